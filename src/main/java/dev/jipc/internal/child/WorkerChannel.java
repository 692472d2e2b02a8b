package dev.jipc.internal.child;

import dev.jipc.IpcException;
import dev.jipc.ProtocolException;
import dev.jipc.internal.frame.FrameHeader;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.OnePoll;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A worker's end of its control socket: jipc frames over a non-blocking fd, read and written by
 * the worker's main thread only. A read that finds nothing spins for {@link #SPIN_NANOS} before
 * it blocks in poll(2): a pool that is fed one task at a time sends the next one within tens of
 * microseconds of an answer, and a worker that is still awake then saves a wake-up per task. The calls go through native buffers, never a pinned Java array: a
 * read may wait for minutes, and a call holding an array pinned would hold off the GC meanwhile.
 */
final class WorkerChannel {
    private static final int CAPACITY = 64 * 1024;
    static final long SPIN_NANOS = 50_000;

    private final int fd;
    private final CallState state;
    /** Bytes read and not yet taken are {@code in[start, end)}. */
    private final MemorySegment in;
    private int start;
    private int end;
    private final MemorySegment out;
    private final byte[] header = new byte[FrameHeader.SIZE];

    WorkerChannel(int fd) {
        this.fd = fd;
        Arena arena = Arena.ofAuto();
        this.state = new CallState(arena);
        this.in = arena.allocate(CAPACITY);
        this.out = arena.allocate(CAPACITY);
    }

    /**
     * Waits for the next frame.
     *
     * @return its payload, or null at end of file between frames (the parent is gone)
     * @throws ProtocolException for a corrupt header, or end of file inside a frame
     */
    byte[] receive() {
        if (!take(header, 0, header.length, true)) {
            return null;
        }
        byte[] payload = new byte[FrameHeader.read(MemorySegment.ofArray(header), 0, Integer.MAX_VALUE)];
        take(payload, 0, payload.length, false);
        return payload;
    }

    private long readNow() {
        long n;
        do {
            n = Posix.read(state, fd, in, CAPACITY);
        } while (n == -Posix.EINTR);
        return n;
    }

    /** Blocks until the socket is ready for {@code events} (or failed: the next call says how). */
    private void await(short events) {
        int r = OnePoll.poll(fd, events, -1);
        if (r < 0 && -r != Posix.EINTR) {
            throw new ErrnoException("poll(" + fd + ")", -r).as(IpcException::new);
        }
    }

    /** @return false at end of file before the first byte, if {@code eofAllowed} */
    private boolean take(byte[] to, int offset, int count, boolean eofAllowed) {
        while (count > 0) {
            if (start == end) {
                long n = readNow();
                if (n == -Posix.EAGAIN) {
                    long until = System.nanoTime() + SPIN_NANOS;
                    do {
                        Thread.onSpinWait();
                        n = readNow();
                    } while (n == -Posix.EAGAIN && System.nanoTime() - until < 0);
                    while (n == -Posix.EAGAIN) {
                        await(Posix.POLLIN);
                        n = readNow();
                    }
                }
                if (n < 0) {
                    throw new ErrnoException("read(" + fd + ")", (int) -n).as(IpcException::new);
                }
                if (n == 0) {
                    if (eofAllowed && offset == 0) {
                        return false;
                    }
                    throw new ProtocolException("the parent closed the control socket in the middle of a frame");
                }
                start = 0;
                end = (int) n;
            }
            int n = Math.min(count, end - start);
            MemorySegment.copy(in, ValueLayout.JAVA_BYTE, start, to, offset, n);
            start += n;
            offset += n;
            count -= n;
        }
        return true;
    }

    /**
     * Writes one frame, waiting while the socket is full.
     *
     * @return false if the parent is gone
     */
    boolean send(byte[] payload) {
        FrameHeader.write(out, 0, payload.length);
        int staged = FrameHeader.SIZE; // the header goes out with the payload's first chunk
        int offset = 0;
        do {
            int n = Math.min(payload.length - offset, CAPACITY - staged);
            MemorySegment.copy(payload, offset, out, ValueLayout.JAVA_BYTE, staged, n);
            offset += n;
            if (!writeAll(staged + n)) {
                return false;
            }
            staged = 0;
        } while (offset < payload.length);
        return true;
    }

    private boolean writeAll(int count) {
        long done = 0;
        while (done < count) {
            long n = Posix.write(state, fd, out.asSlice(done), count - done);
            if (n == -Posix.EINTR) {
                continue;
            }
            if (n == -Posix.EAGAIN) {
                await(Posix.POLLOUT);
                continue;
            }
            if (n < 0) {
                return false; // EPIPE, ECONNRESET: the parent is gone
            }
            done += n;
        }
        return true;
    }
}
