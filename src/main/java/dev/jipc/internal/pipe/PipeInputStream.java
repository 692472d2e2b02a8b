package dev.jipc.internal.pipe;

import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.HandleClosedException;
import dev.jipc.internal.frame.NonBlockingIo;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * A child's stdout or stderr: reads the non-blocking pipe, parking on the reactor when it is
 * empty. When the child is reaped ({@link #childExited}) the bytes still in the pipe are moved
 * into memory and the fd is closed, as the JDK's {@code Process} does: no output is lost and no fd
 * outlives the child, even if nobody ever reads or closes this stream.
 */
public final class PipeInputStream extends InputStream {
    /**
     * What a drain reads into first: a short-lived child leaves a few bytes, and a heap array this
     * size costs nothing to get, where a fresh 64 KiB of native memory (malloc, zeroing, page
     * faults, a cleaner) took most of the time from a child's exit to its onExit().
     */
    private static final int FIRST_DRAIN = 8 * 1024;
    /** Most a drain keeps: what a grown pipe holds, with room to spare; a grandchild may write on. */
    private static final int MAX_DRAIN = 4 * 1024 * 1024;

    private final GuardedFd fd;
    /** The fd's reads; used under its lock. */
    private final NonBlockingIo io;
    /** Set once the child is reaped. */
    private volatile boolean childExited;
    /** After the fd is retired: what the pipe held, then end of file. Under the lock. */
    private byte[] drained;
    /** Read position in {@link #drained}. Under the lock. */
    private int drainedPos;

    public PipeInputStream(int fd) {
        this.fd = new GuardedFd(fd);
        this.io = NonBlockingIo.forStream(fd, this.fd);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        acquire();
        try {
            if (drained != null) {
                return fromDrained(b, off, len);
            }
            int n = io.read(b, off, len, NO_DEADLINE);
            if (n == NonBlockingIo.WOULD_BLOCK) { // the child exited (poke): what the pipe holds is all
                retire(drainPipe());
                return fromDrained(b, off, len);
            }
            return n == NonBlockingIo.PEER_CLOSED ? -1 : n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // InputStream has no InterruptedException: keep the status
            throw new InterruptedIOException("interrupted while waiting for the child's output");
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was given", e);
        } finally {
            release();
        }
    }

    @Override
    public int available() throws IOException {
        acquireUninterruptibly();
        try {
            return drained != null ? drained.length - drainedPos : 0;
        } finally {
            release();
        }
    }

    /** Closes the fd; a thread blocked reading gets an IOException. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }

    /**
     * The child was reaped: drain the pipe into memory and close the fd now if no reader holds it,
     * else the reader does so when the pipe runs dry (see {@link #release}).
     */
    public void childExited() {
        childExited = true;
        fd.poke();
        drainIfIdle();
    }

    private void drainIfIdle() {
        if (!fd.isClosed() && fd.tryLock()) {
            try {
                if (drained == null && !fd.isClosed()) {
                    retire(drainPipe());
                }
            } finally {
                fd.release();
            }
        }
    }

    /** Reads until EAGAIN, end of file, or {@link #MAX_DRAIN} (a grandchild still writing). */
    private byte[] drainPipe() {
        assert fd.isHeldByCurrentThread();
        byte[] all = new byte[FIRST_DRAIN];
        int size = 0;
        while (true) {
            if (size == all.length) {
                if (size == MAX_DRAIN) {
                    break;
                }
                all = Arrays.copyOf(all, Math.min(MAX_DRAIN, size * 2));
            }
            int n = io.readNow(all, size, all.length - size);
            if (n <= 0) { // end of file or EAGAIN
                break;
            }
            size += n;
        }
        return Arrays.copyOf(all, size);
    }

    private void retire(byte[] rest) {
        assert fd.isHeldByCurrentThread();
        drained = rest;
        drainedPos = 0;
        fd.closeFdNow();
    }

    private int fromDrained(byte[] b, int off, int len) {
        assert fd.isHeldByCurrentThread();
        int n = Math.min(len, drained.length - drainedPos);
        if (n == 0) {
            return -1;
        }
        System.arraycopy(drained, drainedPos, b, off, n);
        drainedPos += n;
        return n;
    }

    private void acquire() throws IOException {
        try {
            fd.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to read the child's output");
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        }
    }

    private void acquireUninterruptibly() throws IOException {
        boolean interrupted = false;
        while (true) {
            try {
                acquire();
                break;
            } catch (InterruptedIOException e) {
                Thread.interrupted();
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void release() {
        fd.release();
        if (childExited) {
            drainIfIdle(); // an exit noticed while we held the lock is ours to finish
        }
    }
}
