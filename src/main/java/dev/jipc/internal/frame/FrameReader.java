package dev.jipc.internal.frame;

import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.PeerClosedException;
import dev.jipc.IpcException;
import dev.jipc.PipeOptions;
import dev.jipc.ProtocolException;
import dev.jipc.internal.posix.LazySegment;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeoutException;

/**
 * Reads frames from a non-blocking fd. One read(2) fills a reusable buffer that may hold many
 * small frames; they are then returned without further system calls. Waiting is
 * {@link NonBlockingIo}'s. Not thread-safe: its owner serializes calls (the fd's lock).
 */
public final class FrameReader {
    static final int CAPACITY = 64 * 1024;
    /** Payloads that cannot fit the buffer are read straight into their array, not through it. */
    static final int DIRECT_MIN = CAPACITY - FrameHeader.SIZE + 1;

    /** The fd's reads. */
    private final NonBlockingIo io;
    /** Largest payload accepted. */
    private final int maxFrameBytes;
    /** Bytes read but not yet returned are {@code buffer[start, end)}. */
    private final LazySegment staging = new LazySegment(CAPACITY);
    /** {@link #staging}, once allocated: a read allocates it, so parse sees it only after. */
    private MemorySegment buffer;
    private int start;
    private int end;
    /** A payload too large for the buffer, being assembled; null between frames. */
    private byte[] large;
    /** How much of {@link #large} is filled. */
    private int largeFilled;

    /** @param readiness where to park while the fd is empty: the fd's owner */
    public FrameReader(int fd, Readiness readiness, PipeOptions options) {
        this.io = NonBlockingIo.forFrames(fd, readiness, options);
        this.maxFrameBytes = options.maxFrameBytes();
    }

    /**
     * Returns the next payload, waiting while the fd has nothing.
     *
     * @param deadline applies only while no byte of the next frame has arrived: a frame that has
     *     begun is read to its end
     * @throws PeerClosedException at end of file between frames
     * @throws ProtocolException for a corrupt header, an oversized frame, or end of file inside a frame
     */
    public byte[] next(long deadline) throws InterruptedException, TimeoutException {
        while (true) {
            byte[] payload = parse();
            if (payload != null) {
                return payload;
            }
            fill(hasPartialFrame() ? NO_DEADLINE : deadline);
        }
    }

    /** @return whether bytes of a frame not yet returned have been read */
    public boolean hasPartialFrame() {
        return large != null || end > start;
    }

    /** One payload from the buffered bytes, or null if more bytes are needed. */
    private byte[] parse() {
        if (large == null) {
            if (end - start < FrameHeader.SIZE) {
                return null;
            }
            int length = FrameHeader.read(buffer, start, maxFrameBytes);
            int available = end - start - FrameHeader.SIZE;
            if (length <= available) {
                byte[] payload = copy(start + FrameHeader.SIZE, length, new byte[length], 0);
                start += FrameHeader.SIZE + length;
                return payload;
            }
            if (length < DIRECT_MIN) {
                return null; // the rest will come into the buffer
            }
            start += FrameHeader.SIZE;
            large = new byte[length];
            largeFilled = 0;
        }
        int n = Math.min(end - start, large.length - largeFilled);
        copy(start, n, large, largeFilled);
        start += n;
        largeFilled += n;
        if (largeFilled < large.length) {
            return null;
        }
        byte[] payload = large;
        large = null;
        return payload;
    }

    private byte[] copy(int from, int length, byte[] to, int at) {
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, from, to, at, length);
        return to;
    }

    /**
     * Reads more bytes: the rest of a large payload straight into its array, no further (the
     * buffer is empty while a large payload is assembled, so nothing is copied twice); else into
     * the buffer, after moving the unread tail to its front so that its whole capacity is free.
     */
    private void fill(long deadline) throws InterruptedException, TimeoutException {
        boolean partial = hasPartialFrame();
        int n;
        if (large != null) {
            n = io.read(large, largeFilled, large.length - largeFilled, deadline);
            largeFilled += Math.max(0, n);
        } else {
            if (buffer == null) {
                buffer = staging.get();
            }
            if (start > 0) {
                MemorySegment.copy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }
            n = io.read(buffer.asSlice(end), CAPACITY - end, deadline);
            end += Math.max(0, n);
        }
        assert n != NonBlockingIo.WOULD_BLOCK : "a frame reader's wait is never given up";
        if (n == NonBlockingIo.PEER_CLOSED) {
            if (partial) {
                throw truncated();
            }
            throw new PeerClosedException("the writing end of the pipe is closed and every message was read");
        }
    }

    private ProtocolException truncated() {
        return new ProtocolException("the peer closed the pipe in the middle of a frame ("
                + (large != null ? largeFilled + " of " + large.length + " payload bytes"
                                 : (end - start) + " bytes") + " received); the reading handle is closed");
    }
}
