package dev.jipc.internal.spawn;

import dev.jipc.ChildProcess;
import dev.jipc.ExitStatus;
import dev.jipc.internal.posix.Processes;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A spawned child as the {@link Supervisor} sees it. Signals and reaping are serialized by
 * {@link #lock}, so a signal never reaches a pid that was reaped (and may have been recycled).
 */
public class Child implements ChildProcess {
    private final int pid;
    private final String name;
    private final boolean daemon;
    /** Completed once, by the reaper on the reactor thread; onExit() hands out views of it. */
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    /** Guards {@link #reaped} against signals in flight. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Set under {@link #lock} when waitid has reaped the pid. */
    private boolean reaped;

    Child(int pid, String name, boolean daemon) {
        this.pid = pid;
        this.name = name;
        this.daemon = daemon;
    }

    /** Reaps the child if it has exited; called by the supervisor when its pidfd is readable. */
    final ExitStatus tryReap(boolean block) {
        lock.lock();
        try {
            if (reaped) {
                return null;
            }
            ExitStatus status = Processes.reap(pid, block);
            reaped = status != null;
            return status;
        } finally {
            lock.unlock();
        }
    }

    /** Releases what the parent held for the child, then completes {@link #onExit()}. */
    final void exited(ExitStatus status) {
        try {
            released();
        } finally {
            exit.complete(status);
        }
    }

    /** The child was reaped by someone else (a waitpid(-1) elsewhere in this process): its status is lost. */
    final void lost(RuntimeException cause) {
        try {
            released();
        } finally {
            exit.completeExceptionally(new dev.jipc.IpcException("the exit status of " + this
                    + " was taken by another waitpid in this process", cause));
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
        return !exit.isDone();
    }

    @Override
    public OptionalInt exitCode() {
        ExitStatus status = exit.getNow(null);
        return status == null ? OptionalInt.empty() : OptionalInt.of(status.exitCode());
    }

    @Override
    public void join() throws InterruptedException {
        try {
            exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the supervisor failed", e.getCause());
        }
    }

    @Override
    public boolean join(Duration timeout) throws InterruptedException {
        try {
            exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the supervisor failed", e.getCause());
        }
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
            if (!reaped) {
                Processes.kill(pid, signal);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<ExitStatus> onExit() {
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
