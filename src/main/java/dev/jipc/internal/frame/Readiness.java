package dev.jipc.internal.frame;

import java.util.concurrent.TimeoutException;

/**
 * Where {@link NonBlockingIo} parks when its fd would block: the fd's owner, over the reactor
 * (in jipc, a {@code GuardedFd}). Called by the thread that holds the owner's lock only.
 */
public interface Readiness {
    /** Deadline meaning "wait as long as it takes". */
    long NO_DEADLINE = Long.MAX_VALUE;

    /**
     * Parks the calling thread until the fd is ready for {@code events} or fails.
     *
     * @param events POLLIN or POLLOUT
     * @param deadline a {@link System#nanoTime()} instant, or {@link #NO_DEADLINE}
     * @param interruptible whether an interrupt ends the wait; if not, the interrupt status is kept
     *     and restored on return
     * @return true when the fd may be ready now; false if the owner gave waiting up for good (the
     *     fd will not become ready by itself: the caller re-examines its state instead)
     * @throws InterruptedException if interruptible and the thread was interrupted
     * @throws TimeoutException if the deadline passed, at once if it had before the call
     * @throws dev.jipc.HandleClosedException if the owner is or gets closed
     */
    boolean await(short events, long deadline, boolean interruptible) throws InterruptedException, TimeoutException;

    /** @return whether the owner is closed: a spin ends then, and the next wait fails */
    boolean isClosed();

    /** @return whether the calling thread holds the owner's lock, as every user of the fd must (for assertions) */
    boolean isHeldByCurrentThread();
}
