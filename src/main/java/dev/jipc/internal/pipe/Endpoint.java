package dev.jipc.internal.pipe;

import dev.jipc.HandleClosedException;
import dev.jipc.IpcException;
import dev.jipc.internal.frame.Readiness;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.reactor.Reactor;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One fd of a handle and the rules for using and closing it. Operations hold {@link #lock} from
 * start to end, which keeps frames whole; {@link #close} may come from any thread at any time: it
 * wakes the operation parked on the fd, and the fd itself is closed by whoever holds the lock last,
 * so no thread ever reads or writes an fd number that was closed (and maybe reused) under it.
 */
final class Endpoint implements Readiness {
    /** The fd; closed at most once, under {@link #lock}. */
    final int fd;
    /** Held for a whole operation; fair, so waiting callers are served in turn. */
    private final ReentrantLock lock = new ReentrantLock(true);
    /** Set by {@link #close}; never cleared. */
    private volatile boolean closed;
    /** Whether {@link #fd} was closed; guarded by {@link #lock}. */
    private boolean fdClosed;
    /** The reactor wait of the lock holder, so that close can end it; null when not parked. */
    private volatile CompletableFuture<Integer> parked;
    /**
     * Whether the reactor may still poll this fd, so that closing it must make the reactor forget
     * it: after a wait that was cancelled (its withdrawal may not be applied yet). A wait the
     * reactor completed left nothing behind. Guarded by {@link #lock}.
     */
    private boolean polled;
    /** Set by {@link #poke}: waits end at once from then on, and the waiter re-examines its state. */
    private volatile boolean poked;

    Endpoint(int fd) {
        this.fd = fd;
    }

    boolean isClosed() {
        return closed;
    }

    /** @return whether an operation holds or waits for this end */
    boolean isBusy() {
        return lock.isLocked() || lock.hasQueuedThreads();
    }

    void acquire() throws InterruptedException {
        lock.lockInterruptibly();
        checkOpen();
    }

    /** @return false if the lock did not come free before {@code deadline} */
    boolean acquire(long deadline) throws InterruptedException {
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

    void release() {
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

    /** Closes the fd now, the handle staying open; the caller holds the lock and never uses the fd again. */
    void closeFdNow() {
        closeFd();
    }

    /** Idempotent; wakes a parked operation with HandleClosedException. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        CompletableFuture<Integer> p = parked;
        if (p != null) {
            p.cancel(false); // withdraws the interest too
        }
        if (lock.tryLock()) {
            try {
                closeFd();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Closes the fd once; the caller holds the lock. */
    private void closeFd() {
        if (!fdClosed) {
            fdClosed = true;
            if (polled) {
                Reactor.get().forget(fd);
            }
            Posix.close(fd);
        }
    }

    @Override
    public void await(short events, long deadline, boolean interruptible)
            throws InterruptedException, TimeoutException {
        polled = true;
        CompletableFuture<Integer> ready = Reactor.get().await(fd, events);
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
    }

    static HandleClosedException closedException() {
        return new HandleClosedException("the handle is closed");
    }
}
