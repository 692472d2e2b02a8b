package dev.jipc.internal.frame;

import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.PeerClosedException;
import dev.jipc.IpcException;
import dev.jipc.PipeOptions;
import dev.jipc.ProtocolException;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.LazySegment;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeoutException;

/**
 * Reads frames from a non-blocking fd. One read(2) fills a reusable buffer that may hold many
 * small frames; they are then returned without further system calls. Only on EAGAIN does the
 * reader park. Not thread-safe: its owner serializes calls (the handle end's lock).
 */
public final class FrameReader {
    static final int CAPACITY = 64 * 1024;
    /** Payloads that cannot fit the buffer are read straight into their array, not through it. */
    static final int DIRECT_MIN = CAPACITY - FrameHeader.SIZE + 1;

    /** The fd read from; owned by the handle end. */
    private final int fd;
    /** Largest payload accepted. */
    private final int maxFrameBytes;
    /** How long to retry an empty pipe before parking. */
    private final long spinNanos;
    /**
     * Spin credit, 0 to {@link #MAX_SPIN_CREDIT}: a spin that pays earns 2, one that finds nothing
     * costs 1, so spinning goes on while at least a third of the spins pay. At 0 only every
     * {@link #SPIN_PROBE}th wait spins, to notice when spinning starts paying again.
     */
    private int spinCredit = MAX_SPIN_CREDIT;
    /** Waits since the last spin while the credit is 0. */
    private int waitsSinceSpin;
    private static final int MAX_SPIN_CREDIT = 16;
    /** Reads in a row that found bytes after which the peer counts as streaming (see {@link #letBytesGather}). */
    private static final int STREAMING_READS = 4;
    /** How long a reader of a streaming peer lets bytes gather before its next read. */
    private static final long GATHER_NANOS = 2_000;
    /** Reads since the last one that found the pipe empty. */
    private int readsInARow;
    private static final int SPIN_PROBE = 16;
    /** errno of this reader's calls. */
    private final CallState state = new CallState();
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

    public FrameReader(int fd, PipeOptions options) {
        this.fd = fd;
        this.maxFrameBytes = options.maxFrameBytes();
        this.spinNanos = options.spin().toNanos();
    }

    /**
     * Returns the next payload, parking on {@code readiness} while the fd has nothing.
     *
     * @param deadline applies only while no byte of the next frame has arrived: a frame that has
     *     begun is read to its end
     * @throws PeerClosedException at end of file between frames
     * @throws ProtocolException for a corrupt header, an oversized frame, or end of file inside a frame
     */
    public byte[] next(Readiness readiness, long deadline) throws InterruptedException, TimeoutException {
        while (true) {
            byte[] payload = parse();
            if (payload != null) {
                return payload;
            }
            if (readsInARow >= STREAMING_READS) {
                letBytesGather();
            }
            if (fillSome()) {
                readsInARow++;
            } else {
                readsInARow = 0;
                if (!spin()) {
                    readiness.await(Posix.POLLIN, hasPartialFrame() ? NO_DEADLINE : deadline, true);
                }
            }
        }
    }

    /**
     * Waits {@link #GATHER_NANOS} before reading a streaming peer's pipe again. A reader that
     * keeps up reads each frame the moment it lands, taking the pipe's lock as often as the
     * writer does, and in the kernel the two then contend for it: streaming 64 B frames from a
     * child JVM, the writer spent 82% of its time in the kernel and managed 1.1 M frames/s; with
     * this pause, which lets a few frames gather per read, 2.6 M/s. A reader that ever finds the
     * pipe empty (a request and its reply, a slow peer) never pauses.
     */
    private static void letBytesGather() {
        long until = System.nanoTime() + GATHER_NANOS;
        do {
            Thread.onSpinWait();
        } while (System.nanoTime() - until < 0);
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
            if (length < DIRECT_MIN && FrameHeader.SIZE + length <= CAPACITY) {
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
     * Retries the empty pipe for up to the spin time: cheaper than a park and wake-up when the
     * peer answers within it. Adaptive (see {@link #spinCredit}): where spins seldom pay, as with
     * a slow peer or a crowd of threads on few cores, the reader parks at once instead of burning
     * CPU, and a virtual thread gives its carrier back.
     */
    private boolean spin() {
        if (spinNanos <= 0 || (spinCredit == 0 && ++waitsSinceSpin < SPIN_PROBE)) {
            return false;
        }
        waitsSinceSpin = 0;
        long end = System.nanoTime() + spinNanos;
        do {
            Thread.onSpinWait();
            if (fillSome()) {
                spinCredit = Math.min(MAX_SPIN_CREDIT, spinCredit + 2);
                return true;
            }
        } while (System.nanoTime() - end < 0);
        spinCredit = Math.max(0, spinCredit - 1);
        return false;
    }

    /** @return true if bytes were read, false on EAGAIN */
    private boolean fillSome() {
        return large != null ? fillLarge() : fill();
    }

    /**
     * Reads the rest of a large payload straight into its array, no further: the buffer is empty
     * while a large payload is assembled, so nothing is copied twice.
     */
    private boolean fillLarge() {
        while (true) {
            long n = Posix.read(state, fd, large, largeFilled, large.length - largeFilled);
            if (n > 0) {
                largeFilled += (int) n;
                return true;
            }
            if (n == 0) {
                throw truncated();
            }
            if (-n == Posix.EAGAIN) {
                return false;
            }
            if (-n != Posix.EINTR) {
                throw new ErrnoException("read(" + fd + ")", (int) -n).as(IpcException::new);
            }
        }
    }

    private ProtocolException truncated() {
        return new ProtocolException("the peer closed the pipe in the middle of a frame ("
                + (large != null ? largeFilled + " of " + large.length + " payload bytes"
                                 : (end - start) + " bytes") + " received); the reading handle is closed");
    }

    /** @return true if bytes were read, false on EAGAIN */
    private boolean fill() {
        if (buffer == null) {
            buffer = staging.get();
        }
        if (start > 0) { // keep the unread tail at the front, so the buffer's whole capacity is free
            MemorySegment.copy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        while (true) {
            long n = Posix.read(state, fd, buffer.asSlice(end), CAPACITY - end);
            if (n > 0) {
                end += (int) n;
                return true;
            }
            if (n == 0) {
                if (hasPartialFrame()) {
                    throw truncated();
                }
                throw new PeerClosedException("the writing end of the pipe is closed and every message was read");
            }
            if (-n == Posix.EAGAIN) {
                return false;
            }
            if (-n != Posix.EINTR) {
                throw new ErrnoException("read(" + fd + ")", (int) -n).as(IpcException::new);
            }
        }
    }
}
