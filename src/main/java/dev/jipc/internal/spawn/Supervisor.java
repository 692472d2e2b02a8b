package dev.jipc.internal.spawn;

import dev.jipc.IpcException;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.reactor.Reactor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Notices child exits: a pidfd per child in the reactor, and on readiness {@code waitid} on that
 * pid only, then the child's resources are released and its future completed, all on the reactor
 * thread, unless a joining platform thread got there first (see {@code Child.waitHere}); user
 * callbacks run on virtual threads (see {@link ExitFuture}). No thread per child, no
 * waitpid(-1), no SIGCHLD handler.
 *
 * <p>The fallback, when a child has no pidfd (ENOSYS before Linux 5.3, EMFILE when out of
 * descriptors) or the reactor cannot watch it: a platform thread per child blocks in waitid until
 * the exit, as the JDK's own reaper does, and reaps under the child's lock only then (see
 * {@code Child.reapWhenExited}). Its first use is logged; a test forces it with
 * {@code FaultInjection.inject("pidfd_open", ENOSYS)}.
 */
public final class Supervisor {
    /** jipc's logger: only what an operator must see. */
    static final System.Logger LOG = System.getLogger("dev.jipc");
    /** Whether the fallback was logged at WARNING already; later uses are logged at DEBUG. */
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    private Supervisor() {
    }

    /**
     * Starts watching {@code child}; its pid must be this process's unreaped child. Its pidfd
     * joins the reactor in the next batch of {@link Reactor#later} (within 5 ms), or at once
     * when someone awaits the exit asynchronously ({@link #watchNow}): a platform thread that
     * spawns and joins reaps by itself (see {@code Child.waitHere}), and then the reactor is
     * not woken for that child at all.
     */
    public static void watch(Child child) {
        int pidfd;
        try {
            pidfd = Processes.pidfdOpen((int) child.pid());
        } catch (ErrnoException e) {
            if (child.claimWatch()) {
                fallBack(child, e.getMessage());
            }
            return;
        }
        child.watchedBy(pidfd);
        try {
            Reactor.get().later(() -> {
                if (!child.isReaped()) { // else its pidfd is closed, or about to be
                    watchNow(child);
                }
            });
        } catch (IpcException e) { // no reactor: out of descriptors for its eventfd
            if (child.claimWatch()) {
                fallBack(child, e.getMessage());
            }
        }
    }

    /** Puts the child's pidfd in the reactor now, unless that was done already. */
    static void watchNow(Child child) {
        if (child.claimWatch()) {
            await(child, child.pidfd());
        }
    }

    private static void await(Child child, int pidfd) {
        // Reaped on the reactor thread: waitid(WNOHANG) and the releases never block, and the
        // future's own dependents are jipc's (see ExitFuture), so this runs no user code.
        try {
            Reactor.get().await(pidfd, Posix.POLLIN).whenComplete((revents, failure) -> {
                if (failure != null) {
                    fallBack(child, failure.getMessage()); // the reactor failed this wait
                } else if (!child.reapIfExited()) {
                    await(child, pidfd); // readable, yet not exited: wait again
                }
            });
        } catch (IpcException e) {
            fallBack(child, e.getMessage());
        }
    }

    /** Watches a child, whose watch the caller claimed, with a platform thread of its own. */
    private static void fallBack(Child child, String why) {
        boolean first = FALLBACK_LOGGED.compareAndSet(false, true);
        LOG.log(first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, "jipc watches " + child
                + " with a thread of its own, as the JDK does, since it cannot poll its exit (" + why + ")"
                + (first ? "; this is logged once, later children at DEBUG" : ""));
        Thread t = new Thread(child::reapWhenExited, "jipc-reaper-" + child.pid());
        t.setDaemon(true);
        t.start();
    }
}
