package dev.jipc.internal.spawn;

import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.reactor.Reactor;

/**
 * Notices child exits: a pidfd per child in the reactor, and on readiness {@code waitid} on that
 * pid only, then the child's resources are released and its future completed, all on the reactor
 * thread, unless a joining platform thread got there first (see {@code Child.waitHere}); user
 * callbacks run on virtual threads (see {@link ExitFuture}). No thread per child, no
 * waitpid(-1), no SIGCHLD handler. On kernels without pidfd (ENOSYS, before 5.3) a platform thread per child
 * blocks in waitid instead: correct, but a thread per child, as the JDK's own reaper.
 */
public final class Supervisor {

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
        } catch (ErrnoException e) { // ENOSYS before Linux 5.3; EMFILE when out of fds
            child.claimWatch();
            Thread t = new Thread(() -> child.reapIfExited(true), "jipc-reaper-" + child.pid());
            t.setDaemon(true);
            t.start();
            return;
        }
        child.watchedBy(pidfd);
        Reactor.get().later(() -> {
            if (!child.isReaped()) { // else its pidfd is closed, or about to be
                watchNow(child);
            }
        });
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
        Reactor.get().await(pidfd, Posix.POLLIN).thenRun(() -> {
            if (!child.reapIfExited(false)) {
                await(child, pidfd); // readable, yet not exited: wait again
            }
        });
    }
}
