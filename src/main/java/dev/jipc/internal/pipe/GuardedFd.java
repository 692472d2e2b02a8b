package dev.jipc.internal.pipe;

import dev.jipc.HandleClosedException;
import dev.jipc.IpcException;
import dev.jipc.internal.frame.Readiness;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.OnePoll;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.reactor.Reactor;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fd that threads share, and the rules for using and closing it; handles ({@link OneWayHandle})
 * and a child's stdio streams are built on it. An operation holds {@link #lock} from start to end,
 * which keeps frames whole; {@link #close} may come from any thread at any time: it ends the
 * operation's wait or spin, and the fd itself is closed by whoever holds the lock last, so no
 * thread ever reads or writes an fd number that was closed (and maybe reused) under it.
 *
 * <pre>
 * state    closed lock  fd      then
 * open     no     free  open    acquire: busy; close: closed, fd closed at once
 * busy     no     held  open    the operation may spin or park (parked is set meanwhile);
 *                               release: open; close: closing
 * closing  yes    held  open    the wait or spin ends with HandleClosedException, and so does a
 *                               failure the close caused (EOF, EPIPE: see failure); release: closed
 * closed   yes    free  closed  acquire throws HandleClosedException; final
 * retired  no     any   closed  closeFdNow by an operation that never uses the fd again (a drained stream)
 * </pre>
 * The peer closing its end is no state here: an operation sees end of file or EPIPE and reports
 * it; the fd stays open until closed on this side. {@link #poke}, in any state, makes every later
 * wait return at once.
 */
final class GuardedFd implements Readiness {
    /** The fd's number; closed at most once, under {@link #lock}. */
    final int number;
    /** Held for a whole operation; fair, so waiting callers are served in turn. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Set by {@link #shut}; never cleared. */
    private volatile boolean closed;
    /** Whether {@link #number} was closed; guarded by {@link #lock}. */
    private boolean fdClosed;
    /** The reactor wait of the lock holder, so that close can end it; null when not parked. Set by the lock holder. */
    private volatile CompletableFuture<Integer> parked;
    /**
     * Whether the reactor may still poll this fd, so that closing it must make the reactor forget
     * it: after a wait that was cancelled (its withdrawal may not be applied yet). A wait the
     * reactor completed left nothing behind. Guarded by {@link #lock}.
     */
    private boolean polled;
    /** Set by {@link #poke}: waits end at once from then on, and the waiter re-examines its state. */
    private volatile boolean poked;
    /**
     * The current operation's JFR wait event, begun at its first park (see {@link Jfr#parking});
     * null if it has not parked or JFR is off. Guarded by {@link #lock}; cleared on release.
     */
    private Object waitEvent;

    /** How long a platform thread polls before it looks at close, poke, interrupt and the deadline again. */
    static final int SLICE_MILLIS = 10;

    GuardedFd(int number) {
        this.number = number;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return lock.isHeldByCurrentThread();
    }

    /** @return whether an operation holds or waits for this fd */
    boolean isBusy() {
        return lock.isLocked() || lock.hasQueuedThreads();
    }

    /** Starts an operation: open to busy. */
    void acquire() throws InterruptedException {
        assert !lock.isHeldByCurrentThread() : "operations on one fd do not nest";
        lock.lockInterruptibly();
        checkOpen();
    }

    /** @return false if the lock did not come free before {@code deadline} */
    boolean acquire(long deadline) throws InterruptedException {
        assert !lock.isHeldByCurrentThread() : "operations on one fd do not nest";
        if (!lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
            return false;
        }
        checkOpen();
        return true;
    }

    private void checkOpen() {
        if (closed) {
            release();
            throw closedException();
        }
    }

    /** Ends an operation: busy to open, or closing to closed. */
    void release() {
        assert lock.isHeldByCurrentThread();
        waitEvent = null; // an operation that does not report its wait (a stdio stream's) drops it here
        lock.unlock();
        // A close that found the lock held left the fd to us (see close()).
        if (closed && lock.tryLock()) {
            try {
                closeFd();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * What an operation that failed with {@code e} throws: {@link HandleClosedException} if this
     * fd was closed meanwhile, for then the close may well be the failure's cause (Pipe.close
     * closes the peer too, which the operation sees as end of file or EPIPE).
     */
    RuntimeException failure(RuntimeException e) {
        return closed ? new HandleClosedException("the handle is closed", e) : e;
    }

    /**
     * Ends the current wait, and any later one, without closing: for a state change the fd does
     * not show, such as a child's exit while a grandchild keeps its output pipe open.
     */
    void poke() {
        poked = true;
        CompletableFuture<Integer> p = parked;
        if (p != null) {
            p.cancel(false); // withdraws the interest too
        }
    }

    /** Tries the lock without waiting, for work that must not wait behind an operation. */
    boolean tryLock() {
        return lock.tryLock();
    }

    /** Closes the fd now, the handle staying open (retired); the caller never uses the fd again. */
    void closeFdNow() {
        closeFd();
    }

    /** Closes this fd: {@link #shut}, then the fd itself at once if no operation holds it. Idempotent. */
    void close() {
        shut();
        if (lock.tryLock()) {
            try {
                closeFd();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The first half of {@link #close}: marks this fd closed and ends the operation's wait, but
     * leaves the fd open. Closing several fds together (a pipe's two ends) shuts them all first,
     * so that no operation on one sees the others' close as its peer's.
     */
    void shut() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Integer> p = parked;
        if (p != null) {
            p.cancel(false); // withdraws the interest too
        }
    }

    /** Closes the fd once. */
    private void closeFd() {
        assert lock.isHeldByCurrentThread();
        if (!fdClosed) {
            fdClosed = true;
            if (polled) {
                Reactor.get().forget(number);
            }
            Posix.close(number);
        }
    }

    @Override
    public boolean await(short events, long deadline, boolean interruptible)
            throws InterruptedException, TimeoutException {
        assert lock.isHeldByCurrentThread() : "only the operation holding the fd parks on it";
        if (closed) {
            throw closedException();
        }
        if (poked) {
            return false;
        }
        if (deadline != NO_DEADLINE && deadline - System.nanoTime() <= 0) {
            throw new TimeoutException("the deadline passed");
        }
        waitEvent = Jfr.parking(waitEvent);
        if (!Thread.currentThread().isVirtual()) {
            awaitHere(events, deadline, interruptible);
            if (closed) {
                throw closedException();
            }
            return !poked;
        }
        polled = true;
        CompletableFuture<Integer> ready = Reactor.get().await(number, events);
        parked = ready;
        boolean interrupted = false;
        try {
            while (!closed && !poked) {
                try {
                    if (deadline == NO_DEADLINE) {
                        ready.get();
                    } else {
                        ready.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    }
                    break;
                } catch (InterruptedException e) {
                    if (interruptible) {
                        throw e;
                    }
                    interrupted = true;
                } catch (CancellationException e) {
                    break; // by close() or poke(): the loop condition says which
                } catch (ExecutionException e) { // the reactor could not poll: its IpcException says why
                    throw new IpcException(e.getCause().getMessage(), e.getCause());
                }
            }
        } finally {
            Jfr.woke(waitEvent);
            parked = null;
            ready.cancel(false); // withdraws the interest unless already completed
            polled = ready.isCancelled();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (closed) {
            throw closedException();
        }
        return !poked;
    }

    /**
     * A platform thread polls the fd itself: the kernel wakes it directly, where a wait through
     * the reactor takes two wake-ups (the reactor's, then the waiter's), which is what a blocking
     * round trip's tail latency is made of. A close, a poke, an interrupt and the deadline are
     * seen within {@link #SLICE_MILLIS}; a close by the peer (end of file, EPIPE) at once.
     */
    private void awaitHere(short events, long deadline, boolean interruptible)
            throws InterruptedException, TimeoutException {
        assert !Thread.currentThread().isVirtual() : "a virtual thread must not block its carrier in poll";
        boolean interrupted = false;
        try {
            while (!closed && !poked) {
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true;
                }
                int millis = SLICE_MILLIS;
                if (deadline != NO_DEADLINE) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new TimeoutException("the deadline passed");
                    }
                    millis = (int) Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
                int r = OnePoll.poll(number, events, millis);
                if (r > 0) {
                    return; // ready, or failed (POLLERR, POLLHUP): the operation's next call says which
                }
                if (r < 0 && -r != Posix.EINTR) {
                    throw new ErrnoException("poll(" + number + ")", -r).as(IpcException::new);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the current operation's JFR wait event (see {@link #waitEvent}), or null if it never parked */
    Object takeWait() {
        assert lock.isHeldByCurrentThread();
        Object w = waitEvent;
        waitEvent = null;
        return w;
    }

    static HandleClosedException closedException() {
        return new HandleClosedException("the handle is closed");
    }
}
