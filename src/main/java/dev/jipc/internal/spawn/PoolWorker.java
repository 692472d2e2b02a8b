package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.Codec;
import dev.jipc.IpcException;
import dev.jipc.PipeOptions;
import dev.jipc.internal.pipe.ReaderHandle;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Sockets;

/**
 * A process pool's worker as the parent sees it: the child and two handles on the parent's end
 * of its control socket, one reading its answers and one writing its tasks (each on an fd of its
 * own, dup'ed). Its states, kept by its {@link WorkerPool} under the pool's lock:
 *
 * <pre>
 * state     what it is                                      next
 * BOOTING   spawned; training and initializing              IDLE (it said READY), RETIRING
 * IDLE      waiting for a task                              BUSY, RETIRING
 * BUSY      running {@link #current}                                 IDLE, RETIRING
 * RETIRING  told to exit, or killed; gets no more tasks     (reaped: out of the pool)
 * </pre>
 *
 * Any state ends when the worker is reaped.
 */
final class PoolWorker {
    enum State { BOOTING, IDLE, BUSY, RETIRING }

    /** Frames of any size: a task or result is as large as it is. */
    private static final PipeOptions FRAMES = PipeOptions.defaults().withMaxFrameBytes(Integer.MAX_VALUE);
    private static final byte[] EXIT = new byte[0];

    final JavaLauncher.JavaChild child;
    final ReaderHandle<byte[]> in;
    final WriterHandle<byte[]> out;

    // Guarded by the pool's lock:
    State state = State.BOOTING;
    /** The task it runs, while BUSY (or killed while running it). */
    PoolTask current;
    /** Tasks answered. */
    int tasksRun;

    private PoolWorker(JavaLauncher.JavaChild child, ReaderHandle<byte[]> in, WriterHandle<byte[]> out) {
        this.child = child;
        this.in = in;
        this.out = out;
    }

    /** Spawns a worker, on the spawner thread: it dies with this JVM. */
    static PoolWorker spawn(ChildOptions options, String name) {
        int[] pair = Sockets.socketpair();
        int writeFd = -1;
        try {
            Posix.setNonBlocking(pair[0]);
            writeFd = Posix.duplicate(pair[0]);
            JavaLauncher.JavaChild child = JavaLauncher.spawnWorker(options, name, pair[1]);
            return new PoolWorker(child, new ReaderHandle<>(pair[0], Codec.raw(), FRAMES),
                    new WriterHandle<>(writeFd, Codec.raw(), FRAMES));
        } catch (RuntimeException e) {
            Posix.close(pair[0]);
            if (writeFd >= 0) {
                Posix.close(writeFd);
            }
            throw e;
        } finally {
            Posix.close(pair[1]);
        }
    }

    /**
     * Writes a frame to the worker from any thread, keeping the caller's interrupt. A worker that
     * is gone is not an error here: its death fails its task.
     */
    void send(byte[] frame) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    out.put(frame);
                    return;
                } catch (InterruptedException e) { // nothing was written: write it whole anyway
                    interrupted = true;
                } catch (IpcException e) {
                    return;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Tells an idle worker to exit 0, without waiting. */
    void sendExit() {
        out.putAsync(EXIT);
    }

    /** Closes both handles, once the worker is reaped. */
    void close() {
        in.close();
        out.close();
    }

    @Override
    public String toString() {
        return "worker " + child.name() + " (pid " + child.pid() + ")";
    }
}
