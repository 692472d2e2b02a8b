package dev.jipc.internal.frame;

import java.util.concurrent.TimeoutException;

/** Where framing code parks when its fd would block: the owning handle end, over the reactor. */
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
     * @throws InterruptedException if interruptible and the thread was interrupted
     * @throws TimeoutException if the deadline passed
     */
    void await(short events, long deadline, boolean interruptible) throws InterruptedException, TimeoutException;
}
