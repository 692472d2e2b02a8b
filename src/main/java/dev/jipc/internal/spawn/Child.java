package dev.jipc.internal.spawn;

import dev.jipc.ChildProcess;
import dev.jipc.ExitStatus;
import dev.jipc.IpcException;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.PollSet;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.reactor.Reactor;
import dev.jipc.internal.util.Timeouts;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A spawned child as the {@link Supervisor} sees it. Signals and reaping are serialized by
 * {@link #lock}, so a signal never reaches a pid that was reaped (and may have been recycled).
 * Nothing blocks under the lock: a thread that waits for the exit waits outside it.
 *
 * <pre>
 * state     what holds                              entered by                        signals
 * spawned   running, nothing watches its exit       posix_spawn                       sent
 * watched   its pidfd in the reactor, or a reaper   claimWatch: Supervisor.watchNow   sent
 *           thread blocked in waitid(WNOWAIT)       or the no-pidfd fallback
 * reaped    waitid took its status; pid may be      reapIfExited, under the lock, by  no-op
 *           recycled now                            the reactor, a joiner or a reaper
 * released  pidfd closed, streams drained,          finish, right after reaped,       no-op
 *           onExit() completed (or failed: lost)    outside the lock
 * </pre>
 *
 * A joining platform thread may reap a child in either of the first two states (see
 * {@link #waitHere}); {@code isAlive()} and {@code exitCode()} look for an exit of a spawned
 * child themselves, since nothing else would notice it yet.
 */
public class Child implements ChildProcess {
    private final int pid;
    /** Set at the spawn, or when a spare takes its task (see {@link #rename}). */
    private volatile String name;
    /** The {@link System#nanoTime()} of the spawn, or of the handover for a spare (see {@link #rename}): for its JFR lifetime. */
    private volatile long startedAt = System.nanoTime();
    private final boolean daemon;
    /** Completed once, by whoever reaps (the reactor, or a joining platform thread); onExit() hands out views of it. */
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    /** Guards {@link #reaped} against signals in flight; never held while blocking. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Set under {@link #lock} when waitid has reaped the pid; read under it. */
    private boolean reaped;
    /** The supervisor's pidfd, or -1; closed by whoever reaps. */
    private volatile int pidfd = -1;
    /** Set once the pidfd is handed to the reactor (or a fallback thread watches): see {@link Supervisor#watch}. */
    private final AtomicBoolean watched = new AtomicBoolean();

    /** How often a platform thread waiting in {@link #waitHere} looks for an interrupt. */
    private static final int SLICE_MILLIS = 5;
    /** How long a platform thread waits in {@link #waitHere} before leaving it to the supervisor. */
    private static final long DIRECT_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    Child(int pid, String name, boolean daemon) {
        this.pid = pid;
        this.name = name;
        this.daemon = daemon;
    }

    /** Starts the supervisor's watch; {@code pidfd} (or -1) is closed by whoever reaps. */
    final void watchedBy(int pidfd) {
        this.pidfd = pidfd;
    }

    /** A spare becomes the child of its task: it takes the task's name, and its lifetime starts now. */
    final void rename(String name) {
        this.name = name;
        this.startedAt = System.nanoTime();
    }

    final int pidfd() {
        return pidfd;
    }

    /** @return true for the one caller that is to hand the pidfd to the reactor */
    final boolean claimWatch() {
        return !watched.get() && watched.compareAndSet(false, true);
    }

    final boolean isReaped() {
        lock.lock();
        try {
            return reaped();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reaps the child if it has exited, then releases what the parent held for it and completes
     * {@link #onExit()}. Never blocks. The supervisor calls it when its pidfd is readable, a
     * joining platform thread when its own is (see {@link #waitHere}); whichever comes first reaps.
     *
     * @return false if the child is still running; true once it is reaped, by this call or another
     */
    final boolean reapIfExited() {
        ExitStatus status = null;
        IpcException lost = null;
        lock.lock();
        try {
            if (reaped()) {
                return true;
            }
            try {
                status = Processes.reap(pid);
            } catch (ErrnoException e) { // ECHILD: something else in this process reaped our child
                lost = e.as(IpcException::new, "the exit status of " + this + " was taken by another waitpid in this process");
            }
            if (status == null && lost == null) {
                return false;
            }
            markReaped();
        } finally {
            lock.unlock();
        }
        finish(status, lost);
        return true;
    }

    private boolean reaped() {
        assert lock.isHeldByCurrentThread();
        return reaped;
    }

    private void markReaped() {
        assert lock.isHeldByCurrentThread();
        reaped = true;
    }

    /**
     * The supervisor's fallback without a pidfd, on a thread of its own: blocks until the exit
     * outside the lock ({@code waitid(WNOWAIT)} leaves the child unreaped), then reaps under it,
     * so signals and joins meanwhile never wait for the child. If a joiner reaped first and the
     * pid was recycled into another child of this process, the wait ends with that child's exit,
     * which it leaves unreaped, and finds this one reaped.
     */
    final void reapWhenExited() {
        assert !lock.isHeldByCurrentThread();
        while (!reapIfExited()) {
            try {
                Processes.awaitExit(pid);
            } catch (ErrnoException e) {
                // ECHILD: reaped meanwhile; the next look says by whom
            }
        }
    }

    /**
     * Says so to JFR (a static read unless JFR is on; no user code), releases what the parent
     * held for the child, then completes {@link #onExit()}.
     */
    private void finish(ExitStatus status, IpcException lost) {
        try {
            Jfr.childExited(pid, name, status, startedAt);
            if (pidfd >= 0) {
                // When a joiner reaped, the reactor may still wait on this pidfd. poll(2) would
                // find it closed (POLLNVAL) or its number reused; epoll drops it silently, so the
                // reactor is told, at its next wake-up: the supervisor's waiter finds the child
                // reaped then, and a reactor left with nothing else can end at exit.
                Reactor r = Reactor.current();
                if (r != null) {
                    r.forgetLater(pidfd);
                }
                Posix.close(pidfd);
            }
            released();
        } finally {
            if (lost == null) {
                exit.complete(status);
            } else {
                exit.completeExceptionally(lost);
            }
        }
    }

    /**
     * A platform thread about to wait for the exit polls a pidfd of its own for a while first,
     * and reaps when it fires: the kernel wakes it directly, with no hop through the reactor,
     * which is what a short-lived child's exit costs most. It checks for interrupts every
     * {@link #SLICE_MILLIS}; after {@link #DIRECT_WAIT_NANOS} (a long-lived child) it returns and
     * the caller waits for the supervisor's future as a virtual thread always does (a virtual
     * thread must not block its carrier in poll).
     */
    private void waitHere(long timeoutNanos) throws InterruptedException {
        if (exit.isDone()) {
            return;
        }
        if (Thread.currentThread().isVirtual()) {
            Supervisor.watchNow(this); // it parks on the future: the reactor must see the exit now
            return;
        }
        int fd;
        lock.lock();
        try {
            if (reaped()) {
                return;
            }
            fd = Processes.pidfdOpen(pid); // under the lock: the pid is still our unreaped child
        } catch (ErrnoException e) {
            return; // no pidfd (ENOSYS, EMFILE): the supervisor's future will do
        } finally {
            lock.unlock();
        }
        try {
            try (PollSet<Void> set = new PollSet<>(1)) {
                set.add(fd, Posix.POLLIN, null);
                long deadline = System.nanoTime() + Math.min(timeoutNanos, DIRECT_WAIT_NANOS);
                while (!exit.isDone()) {
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    int millis = (int) Math.min(SLICE_MILLIS, TimeUnit.NANOSECONDS.toMillis(left) + 1);
                    if (set.poll(millis) > 0) {
                        reapIfExited();
                        return;
                    }
                }
            }
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * Until the reactor watches the child (up to 5 ms after the spawn, see
     * {@link Supervisor#watch}), nothing would notice its exit: look now, so that the answer is
     * never stale.
     */
    private void lookIfUnwatched() {
        if (!watched.get() && !exit.isDone()) {
            reapIfExited();
        }
    }

    /** Hook: the child was reaped; release its OS resources here. */
    protected void released() {
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean isDaemon() {
        return daemon;
    }

    @Override
    public boolean isAlive() {
        lookIfUnwatched();
        return !exit.isDone();
    }

    @Override
    public OptionalInt exitCode() {
        lookIfUnwatched();
        ExitStatus status = exit.getNow(null);
        return status == null ? OptionalInt.empty() : OptionalInt.of(status.exitCode());
    }

    @Override
    public void join() throws InterruptedException {
        waitHere(Timeouts.FOREVER);
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw lost(e);
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        long nanos = Timeouts.nanos(timeout);
        if (nanos == 0) {
            lookIfUnwatched();
            return exit.isDone();
        }
        if (nanos == Timeouts.FOREVER) {
            join();
            return true;
        }
        long start = System.nanoTime();
        waitHere(nanos);
        try {
            exit.get(Timeouts.remaining(start, nanos), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw lost(e);
        }
    }

    /** The exit status was lost (see {@link #reapIfExited}): the failure, thrown on this thread. */
    private static IpcException lost(ExecutionException e) {
        return new IpcException(e.getCause().getMessage(), e.getCause());
    }

    @Override
    public void terminate() {
        signal(Processes.SIGTERM);
    }

    @Override
    public void kill() {
        signal(Processes.SIGKILL);
    }

    @Override
    public void signal(int signal) {
        lock.lock();
        try {
            if (!reaped()) {
                Processes.kill(pid, signal);
            }
        } catch (ErrnoException e) {
            if (e.errno() == Processes.EINVAL) {
                throw new IllegalArgumentException(signal + " is not a signal number: " + e.getMessage());
            }
            throw e.as(IpcException::new, "cannot signal " + this + (e.errno() == Processes.EPERM
                    ? " - it runs as another user, as a set-user-ID program does, and only that user or root may signal it"
                    : ""));
        } finally {
            lock.unlock();
        }
    }

    /**
     * For the shutdown hook that ends daemon children: kills the child, and if that fails says so
     * to the {@code dev.jipc} logger, since nobody is left to catch it and the child may outlive
     * this JVM.
     */
    public void killAtExit() {
        try {
            kill();
        } catch (RuntimeException e) {
            Supervisor.LOG.log(System.Logger.Level.WARNING, "jipc could not kill daemon child " + this
                    + " as this JVM exits; it may outlive it", e);
        }
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
        if (!exit.isDone()) {
            Supervisor.watchNow(this); // callbacks may follow: the reactor must see the exit now
        }
        return new ExitFuture<>(exit);
    }

    @Override
    public void close() {
        if (isAlive()) {
            throw new IllegalStateException(this + " is still running: join() it, or terminate() or kill()"
                    + " it first");
        }
    }

    @Override
    public String toString() {
        ExitStatus status = exit.getNow(null);
        return getClass().getSimpleName() + "[" + name + ", pid " + pid
                + (status == null ? ", running" : ", " + status) + "]";
    }
}
