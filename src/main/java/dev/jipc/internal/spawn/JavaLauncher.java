package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Handle;
import dev.jipc.PeerClosedException;
import dev.jipc.internal.child.ChildMain;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.posix.Spawn;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code Jipc.startProcess}: serializes the task (handles become refs), spawns the parent's
 * {@code java} on {@link ChildMain} with the captured fds dup2'ed into place, writes the task to
 * the child's bootstrap pipe, and closes the handed handles here (gipc's rule).
 */
public final class JavaLauncher {
    /** N of the next default name {@code Process-N}. */
    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger(1);
    /** Daemon children still running, killed by the shutdown hook. */
    private static final Set<Child> DAEMONS = ConcurrentHashMap.newKeySet();
    /**
     * Spawns daemon children. PR_SET_PDEATHSIG fires when the spawning <em>thread</em> exits, and
     * virtual-thread carriers and pool threads do exit: this one lives as long as the JVM.
     */
    private static final ExecutorService DAEMON_SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jipc-daemon-spawner");
        t.setDaemon(true);
        return t;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> DAEMONS.forEach(Child::kill), "jipc-daemon-killer"));
    }

    private JavaLauncher() {
    }

    public static ChildProcess start(ChildTask task, ChildOptions options) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        HandleTransfer.Captured captured = HandleTransfer.capture(task);
        String name = options.name() != null ? options.name() : "Process-" + NEXT_NUMBER.getAndIncrement();
        List<String> argv = ChildCommand.of(options, captured.fds().length);
        int[] bootstrap = Posix.pipe();
        int pid;
        try {
            int[] fds = new int[HandleTransfer.FIRST_HANDED_FD + captured.fds().length];
            fds[0] = Spawn.DEV_NULL; // like multiprocessing: a child does not compete for our stdin
            fds[1] = 1;
            fds[2] = 2;
            fds[3] = bootstrap[0];
            System.arraycopy(captured.fds(), 0, fds, HandleTransfer.FIRST_HANDED_FD, captured.fds().length);
            List<String> environment = NativeLauncher.environment(options.environment());
            pid = options.daemon()
                    ? onDaemonSpawner(() -> Spawn.spawn(argv.get(0), false, argv, environment, null, fds))
                    : Spawn.spawn(argv.get(0), false, argv, environment, null, fds);
        } catch (ErrnoException e) {
            Posix.close(bootstrap[1]);
            throw SpawnFailures.of(argv, null, e);
        } finally {
            Posix.close(bootstrap[0]);
        }
        Child child = new Child(pid, name, options.daemon()) {
            @Override
            protected void released() {
                DAEMONS.remove(this);
            }
        };
        if (options.daemon()) {
            DAEMONS.add(child);
        }
        Supervisor.watch(child);
        captured.handles().forEach(Handle::close);
        sendTask(bootstrap[1], captured.bytes());
        return child;
    }

    /** Writes the task frame; the pipe usually holds it whole, so this rarely waits for the child. */
    private static void sendTask(int fd, byte[] task) {
        WriterHandle<byte[]> out = new WriterHandle<>(fd, Codec.raw(), dev.jipc.PipeOptions.defaults().withMaxFrameBytes(Integer.MAX_VALUE));
        try {
            out.put(task);
        } catch (PeerClosedException e) {
            // The child died before reading its task: its exit status says why.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the child gets a truncated task and exits 1
        } finally {
            out.close();
        }
    }

    private static int onDaemonSpawner(java.util.concurrent.Callable<Integer> spawn) {
        Future<Integer> pid = DAEMON_SPAWNER.submit(spawn);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pid.get(); // a spawn takes a millisecond: wait it out, keep the interrupt
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
