package dev.jipc.internal.spawn;

import java.util.concurrent.CompletableFuture;

/**
 * What {@code ProcessPool.submit} returns. Its waits and callbacks are an {@link ExitFuture}'s: the
 * pool completes {@link #source} from the thread that read the worker's answer, which wakes a
 * waiter at once and runs no user callback there (those run on virtual threads), so a callback
 * that blocks can never stall the pool. {@link #cancel} is the pool's: it takes a queued task off
 * the queue, or with {@code mayInterruptIfRunning} kills the worker of a running one.
 */
final class PoolFuture<T> extends ExitFuture<T> {
    /** The task this is the future of; set once, right after construction. */
    private PoolTask task;

    PoolFuture() {
        super(new CompletableFuture<>());
    }

    void of(PoolTask task) {
        this.task = task;
    }

    /**
     * Cancels a queued task (it never runs), or, if {@code mayInterruptIfRunning}, a running one:
     * its worker is killed and replaced. A running task is not cancelled by {@code cancel(false)}.
     *
     * @return whether the future is cancelled now
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return task.pool.cancel(task, mayInterruptIfRunning);
    }

    /** Cancels the result; only the pool calls this, once it has taken the task off its queue or worker. */
    void cancelled() {
        source.cancel(false);
    }

    @Override
    public boolean complete(T value) {
        return source.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        return source.completeExceptionally(failure);
    }

    @Override
    public boolean isCancelled() {
        return source.isCancelled();
    }

    @Override
    public String toString() {
        return "PoolFuture[" + source.state() + "]";
    }
}
