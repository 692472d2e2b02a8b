package dev.jipc.internal.spawn;

import java.util.concurrent.ScheduledFuture;

/**
 * A submitted task: its bytes and its future, and where it is. State changes happen under the
 * pool's lock; the one who moves a task to {@link State#DONE} completes its future.
 */
final class PoolTask {
    enum State {
        /** In the pool's queue. */
        QUEUED,
        /** Handed to {@link #worker}. */
        RUNNING,
        /** Answered, failed or cancelled: its future is (about to be) complete. */
        DONE
    }

    final WorkerPool pool;
    /** The serialized callable. */
    final byte[] bytes;
    /** Resolves the classes of the result and of a thrown exception: the task's own loader. */
    final ClassLoader loader;
    /** How long it may run, or {@code Timeouts.FOREVER}. */
    final long timeoutNanos;
    final PoolFuture<Object> future;

    // Guarded by the pool's lock:
    State state = State.QUEUED;
    PoolWorker worker;
    /** Set when it ran past its timeout and its worker was killed for it. */
    boolean timedOut;
    /** Kills its worker at the timeout; null without one. */
    ScheduledFuture<?> timer;

    PoolTask(WorkerPool pool, byte[] bytes, ClassLoader loader, long timeoutNanos, PoolFuture<Object> future) {
        this.pool = pool;
        this.bytes = bytes;
        this.loader = loader;
        this.timeoutNanos = timeoutNanos;
        this.future = future;
        future.of(this);
    }
}
