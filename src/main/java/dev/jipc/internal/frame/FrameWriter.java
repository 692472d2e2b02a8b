package dev.jipc.internal.frame;

import dev.jipc.PeerClosedException;
import dev.jipc.IpcException;
import dev.jipc.PipeOptions;
import dev.jipc.internal.posix.LazySegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Writes frames to a non-blocking fd: a small frame in one write(2) of header and payload; a
 * large one as its header, then its payload straight from the Java array. Waiting is
 * {@link NonBlockingIo}'s. Not thread-safe: its owner serializes calls (the fd's lock), which is
 * what keeps frames from interleaving.
 */
public final class FrameWriter {
    /**
     * Payloads up to this size are copied behind the header and go out in one write(2); larger
     * ones are written straight from the Java array after the header. A 64 KiB copy costs less
     * than the second system call and the reader's second wake-up it would take to avoid it.
     */
    static final int COPY_LIMIT = 64 * 1024 - FrameHeader.SIZE;
    static final int CAPACITY = FrameHeader.SIZE + COPY_LIMIT;

    /** The fd's writes. */
    private final NonBlockingIo io;
    /** Staging for header and payload: the kernel reads native memory only. */
    private final LazySegment staging = new LazySegment(CAPACITY);

    /** @param readiness where to park while the pipe is full: the fd's owner */
    public FrameWriter(int fd, Readiness readiness, PipeOptions options) {
        this.io = NonBlockingIo.forFrames(fd, readiness, options);
    }

    /**
     * Writes one whole frame.
     *
     * @throws InterruptedException only if interrupted before the first byte was written; after
     *     that the frame is finished and the interrupt status is set on return
     * @throws PeerClosedException if the reading end is closed
     */
    public void write(byte[] payload) throws InterruptedException {
        MemorySegment buffer = staging.get();
        int length = payload.length;
        int total = FrameHeader.SIZE + length;
        int staged = length <= COPY_LIMIT ? total : FrameHeader.SIZE; // what goes out of the buffer
        FrameHeader.write(buffer, 0, length);
        if (staged == total) {
            MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, FrameHeader.SIZE, length);
        }
        int pos = 0; // bytes of the frame written
        while (pos < total) {
            boolean begun = pos > 0; // from then on the frame is finished whatever the interrupts
            int n = pos < staged
                    ? io.write(buffer.asSlice(pos), staged - pos, !begun)
                    : io.write(payload, pos - FrameHeader.SIZE, total - pos, !begun);
            assert n != NonBlockingIo.WOULD_BLOCK : "a frame writer's wait is never given up";
            if (n == NonBlockingIo.PEER_CLOSED) {
                throw new PeerClosedException("the reading end of the pipe is closed"
                        + (begun ? " (in the middle of this message)" : ""));
            }
            pos += n;
        }
    }
}
