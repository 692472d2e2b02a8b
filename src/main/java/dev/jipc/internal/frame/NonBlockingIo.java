package dev.jipc.internal.frame;

import dev.jipc.IpcException;
import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.PipeOptions;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.util.Timeouts;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeoutException;

/**
 * read(2) and write(2) on one non-blocking fd, and the one rule for retrying them, which every
 * reader and writer of a pipe in jipc goes through:
 * <ul>
 *   <li>EINTR: try again at once;
 *   <li>EAGAIN: spin, trying again, for up to the spin time (adaptively, see {@link #spinCredit}),
 *       then park on the {@link Readiness} until the fd is ready or the deadline passes, and try
 *       again; a spin ends early on close, an interrupt (where one may end the wait) or the deadline;
 *   <li>end of file, EPIPE: the peer closed its end, returned as {@link #PEER_CLOSED} for the
 *       caller to name, since only it knows whether that came between messages;
 *   <li>any other errno: {@link ErrnoException}.
 * </ul>
 * On a pipe end it also grows a full pipe before a writer waits, and lets a streaming peer's bytes
 * gather before the next read (see {@link #letBytesGather}).
 *
 * <p>Not thread-safe: called only by the thread holding the owner's lock.
 */
public final class NonBlockingIo {
    /** What a call returns when the peer closed its end: end of file on a read, EPIPE on a write. */
    public static final int PEER_CLOSED = 0;
    /** What a call returns when the fd would block and no wait is to be made (see {@link #readNow}, {@link Readiness#await}). */
    public static final int WOULD_BLOCK = -1;

    private static final int READ = 0;
    private static final int READ_ARRAY = 1;
    private static final int WRITE = 2;
    private static final int WRITE_ARRAY = 3;

    private static final int MAX_SPIN_CREDIT = 16;
    /** With no spin credit, every this many waits spin all the same, to notice when spinning pays again. */
    private static final int SPIN_PROBE = 16;
    /** Reads in a row that found bytes at once after which the peer counts as streaming. */
    private static final int STREAMING_READS = 4;
    /** How long a reader of a streaming peer lets bytes gather before its next read. */
    private static final long GATHER_NANOS = 2_000;

    /** The fd; owned, and closed, by the {@link #readiness}'s owner. */
    private final int fd;
    /** Where to park. */
    private final Readiness readiness;
    /** errno of this fd's calls. */
    private final CallState state = new CallState();
    /** How long to retry a fd that would block before parking; {@link Timeouts#FOREVER} never parks. */
    private final long spinNanos;
    /** How far a full pipe may grow; 0 never grows it. */
    private final int maxPipeBytes;
    /** Whether reads let a streaming peer's bytes gather. */
    private final boolean gather;
    /**
     * Spin credit, 0 to {@link #MAX_SPIN_CREDIT}: a spin that pays earns 2, one that finds nothing
     * costs 1, so spinning goes on while at least a third of the spins pay. At 0 only every
     * {@link #SPIN_PROBE}th wait spins.
     */
    private int spinCredit = MAX_SPIN_CREDIT;
    /** Waits since the last spin while the credit is 0. */
    private int waitsSinceSpin;
    /** Reads that found bytes at once since the last one that found the fd empty, up to {@link #STREAMING_READS}. */
    private int readsInARow;
    /** The pipe's capacity as far as we know; 0 until first needed. */
    private int pipeBytes;

    private NonBlockingIo(int fd, Readiness readiness, long spinNanos, int maxPipeBytes, boolean gather) {
        this.fd = fd;
        this.readiness = readiness;
        this.spinNanos = spinNanos;
        this.maxPipeBytes = maxPipeBytes;
        this.gather = gather;
    }

    /** For a pipe's frames: spins, grows the pipe and gathers as {@code options} say. */
    public static NonBlockingIo forFrames(int fd, Readiness readiness, PipeOptions options) {
        return new NonBlockingIo(fd, readiness, Timeouts.nanos(options.spin()), options.maxPipeBytes(), true);
    }

    /** For a child's stdio stream: parks at once, as a blocking stream would wait. */
    public static NonBlockingIo forStream(int fd, Readiness readiness) {
        return new NonBlockingIo(fd, readiness, 0, 0, false);
    }

    /**
     * Reads up to {@code count} bytes into native memory.
     *
     * @param deadline a {@link System#nanoTime()} instant or {@link Readiness#NO_DEADLINE}
     * @return bytes read, {@link #PEER_CLOSED} at end of file, or {@link #WOULD_BLOCK} if the wait was given up
     * @throws InterruptedException if interrupted while waiting
     * @throws TimeoutException if nothing came before the deadline
     */
    public int read(MemorySegment to, int count, long deadline) throws InterruptedException, TimeoutException {
        return transfer(READ, to, null, 0, count, deadline, true, true);
    }

    /** Like {@link #read(MemorySegment, int, long)}, into {@code to[offset, offset + count)}, pinned for the call. */
    public int read(byte[] to, int offset, int count, long deadline) throws InterruptedException, TimeoutException {
        return transfer(READ_ARRAY, null, to, offset, count, deadline, true, true);
    }

    /**
     * Reads what is there now into {@code to[offset, offset + count)}, pinned for the call, never waiting.
     *
     * @return bytes read, {@link #PEER_CLOSED} at end of file, or {@link #WOULD_BLOCK} if the fd is empty
     */
    public int readNow(byte[] to, int offset, int count) {
        try {
            return transfer(READ_ARRAY, null, to, offset, count, NO_DEADLINE, false, false);
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("a call that never waits was interrupted or timed out", e);
        }
    }

    /**
     * Writes up to {@code count} bytes from native memory, waiting while the pipe is full.
     *
     * @param interruptible whether an interrupt ends the wait; if not, it is kept for later
     * @return bytes written, {@link #PEER_CLOSED} if the reading end is closed, or
     *     {@link #WOULD_BLOCK} if the wait was given up
     * @throws InterruptedException if interruptible and interrupted while waiting
     */
    public int write(MemorySegment from, int count, boolean interruptible) throws InterruptedException {
        return untimed(WRITE, from, null, 0, count, interruptible);
    }

    /** Like {@link #write(MemorySegment, int, boolean)}, from {@code from[offset, offset + count)}, pinned for the call. */
    public int write(byte[] from, int offset, int count, boolean interruptible) throws InterruptedException {
        return untimed(WRITE_ARRAY, null, from, offset, count, interruptible);
    }

    private int untimed(int op, MemorySegment segment, byte[] array, int offset, int count, boolean interruptible)
            throws InterruptedException {
        try {
            return transfer(op, segment, array, offset, count, NO_DEADLINE, interruptible, true);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was given", e);
        }
    }

    /** The retry loop: the only one in jipc for a non-blocking fd. */
    private int transfer(int op, MemorySegment segment, byte[] array, int offset, int count,
            long deadline, boolean interruptible, boolean mayWait) throws InterruptedException, TimeoutException {
        assert readiness.isHeldByCurrentThread() : "only the owner's lock holder uses the fd";
        assert count > 0 : "0 bytes moved would read as the peer closed";
        boolean reading = op == READ || op == READ_ARRAY;
        if (reading && readsInARow >= STREAMING_READS) {
            letBytesGather();
        }
        boolean fresh = true; // the first attempt, or the first after a park
        boolean spinning = false;
        long spinStart = 0;
        while (true) {
            long n = attempt(op, segment, array, offset, count);
            if (n >= 0 || n == -Posix.EPIPE) {
                if (spinning) {
                    spinCredit = Math.min(MAX_SPIN_CREDIT, spinCredit + 2);
                }
                if (gather && reading && fresh && n > 0) {
                    readsInARow = Math.min(STREAMING_READS, readsInARow + 1);
                }
                return n > 0 ? (int) n : PEER_CLOSED;
            }
            if (n == -Posix.EINTR) {
                continue;
            }
            if (n != -Posix.EAGAIN) {
                throw new ErrnoException((reading ? "read(" : "write(") + fd + ")", (int) -n).as(IpcException::new);
            }
            if (fresh) {
                readsInARow = 0;
                fresh = false;
            }
            if (!mayWait) {
                return WOULD_BLOCK;
            }
            if (!reading && grow()) {
                continue;
            }
            if (!spinning && spinNow()) {
                spinning = true;
                spinStart = System.nanoTime();
            }
            if (spinning) {
                if (spinGoesOn(spinStart, deadline, interruptible)) {
                    Thread.onSpinWait();
                    continue;
                }
                spinning = false;
                spinCredit = Math.max(0, spinCredit - 1);
            }
            if (!readiness.await(reading ? Posix.POLLIN : Posix.POLLOUT, deadline, interruptible)) {
                return WOULD_BLOCK;
            }
            fresh = true;
        }
    }

    /** One system call: @return bytes moved, 0 at end of file, or {@code -errno} */
    private long attempt(int op, MemorySegment segment, byte[] array, int offset, int count) {
        return switch (op) {
            case READ -> Posix.read(state, fd, segment, count);
            case READ_ARRAY -> Posix.read(state, fd, array, offset, count);
            case WRITE -> Posix.write(state, fd, segment, count);
            default -> Posix.write(state, fd, array, offset, count);
        };
    }

    /**
     * Whether this wait starts with a spin: cheaper than a park and wake-up when the peer answers
     * within it. Where spins seldom pay, as with a slow peer or a crowd of threads on few cores,
     * the caller parks at once instead of burning CPU, and a virtual thread gives its carrier back.
     */
    private boolean spinNow() {
        if (spinNanos <= 0 || (spinCredit == 0 && ++waitsSinceSpin < SPIN_PROBE)) {
            return false;
        }
        waitsSinceSpin = 0;
        return true;
    }

    private boolean spinGoesOn(long spinStart, long deadline, boolean interruptible) {
        long now = System.nanoTime();
        return now - spinStart < spinNanos
                && (deadline == NO_DEADLINE || deadline - now > 0)
                && !readiness.isClosed()
                && !(interruptible && Thread.currentThread().isInterrupted());
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

    /**
     * A full pipe is a busy one: double its buffer, up to the limit, so the writer can run ahead of
     * the reader. Fails quietly where the kernel says no (an unprivileged user over its quota).
     *
     * @return whether the pipe grew
     */
    private boolean grow() {
        if (pipeBytes == 0 && maxPipeBytes > 0) {
            pipeBytes = Posix.pipeCapacity(fd);
        }
        if (pipeBytes <= 0 || pipeBytes >= maxPipeBytes) {
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
}
