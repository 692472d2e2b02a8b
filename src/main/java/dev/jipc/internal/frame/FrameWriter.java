package dev.jipc.internal.frame;

import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.PeerClosedException;
import dev.jipc.IpcException;
import dev.jipc.PipeOptions;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.LazySegment;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeoutException;

/**
 * Writes frames to a non-blocking fd: a small frame in one write(2) of header and payload; a
 * large one as its header, then its payload straight from the Java array. Parks only on EAGAIN. Not thread-safe: its owner
 * serializes calls (the handle end's lock), which is what keeps frames from interleaving.
 */
public final class FrameWriter {
    /**
     * Payloads up to this size are copied behind the header and go out in one write(2); larger
     * ones are written straight from the Java array after the header. A 64 KiB copy costs less
     * than the second system call and the reader's second wake-up it would take to avoid it.
     */
    static final int COPY_LIMIT = 64 * 1024 - FrameHeader.SIZE;
    static final int CAPACITY = FrameHeader.SIZE + COPY_LIMIT;

    /** The fd written to; owned by the handle end. */
    private final int fd;
    /** errno of this writer's calls. */
    private final CallState state = new CallState();
    /** Staging for header and payload: the kernel reads native memory only. */
    private final LazySegment staging = new LazySegment(CAPACITY);
    /** How long to retry a full pipe before parking. */
    private final long spinNanos;
    /** How far a full pipe may grow. */
    private final int maxPipeBytes;
    /** The pipe's capacity as far as we know; 0 until first needed. */
    private int pipeBytes;

    public FrameWriter(int fd, PipeOptions options) {
        this.fd = fd;
        this.spinNanos = options.spin().toNanos();
        this.maxPipeBytes = options.maxPipeBytes();
    }

    /**
     * A full pipe is a busy one: double its buffer, up to the limit, so the writer can run ahead of
     * the reader. Fails quietly where the kernel says no (an unprivileged user over its quota).
     *
     * @return whether the pipe grew
     */
    private boolean grow() {
        if (pipeBytes == 0) {
            pipeBytes = Posix.pipeCapacity(fd);
        }
        if (pipeBytes >= maxPipeBytes || pipeBytes <= 0) {
            return false;
        }
        int grown = Posix.resizePipe(fd, (int) Math.min(maxPipeBytes, 2L * pipeBytes));
        if (grown <= pipeBytes) {
            pipeBytes = Integer.MAX_VALUE; // refused: don't ask again
            return false;
        }
        pipeBytes = grown;
        return true;
    }

    /**
     * Writes one whole frame.
     *
     * @throws InterruptedException only if interrupted before the first byte was written; after
     *     that the frame is finished and the interrupt status is set on return
     * @throws PeerClosedException if the reading end is closed
     */
    public void write(byte[] payload, Readiness readiness) throws InterruptedException {
        MemorySegment buffer = staging.get();
        int length = payload.length;
        boolean small = length <= COPY_LIMIT;
        FrameHeader.write(buffer, 0, length);
        if (small) {
            MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, FrameHeader.SIZE, length);
        }
        int pos = 0; // next staged byte to write
        int limit = FrameHeader.SIZE + (small ? length : 0);
        int direct = small ? length : 0; // next payload byte to write straight from the array
        boolean begun = false;
        long spinEnd = 0; // while retrying a full pipe: when to stop and park
        while (pos < limit || direct < length) {
            boolean staged = pos < limit;
            long n = staged
                    ? Posix.write(state, fd, buffer.asSlice(pos), limit - pos)
                    : Posix.write(state, fd, payload, direct, length - direct);
            if (n > 0) {
                if (staged) {
                    pos += (int) n;
                } else {
                    direct += (int) n;
                }
                begun = true;
                spinEnd = 0;
            } else if (-n == Posix.EAGAIN) {
                if (grow()) {
                    continue;
                }
                if (spinNanos > 0) { // the reader may drain it soon: cheaper than a park and wake-up
                    long now = System.nanoTime();
                    if (spinEnd == 0) {
                        spinEnd = now + spinNanos;
                    }
                    if (now - spinEnd < 0) {
                        Thread.onSpinWait();
                        continue;
                    }
                    spinEnd = 0;
                }
                try {
                    readiness.await(Posix.POLLOUT, NO_DEADLINE, !begun);
                } catch (TimeoutException e) {
                    throw new AssertionError("no deadline was given", e);
                }
            } else if (-n == Posix.EPIPE) {
                throw new PeerClosedException("the reading end of the pipe is closed"
                        + (begun ? " (in the middle of this message)" : ""));
            } else if (-n != Posix.EINTR) {
                throw new ErrnoException("write(" + fd + ")", (int) -n).as(IpcException::new);
            }
        }
    }
}
