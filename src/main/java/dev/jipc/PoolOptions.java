package dev.jipc;

import java.time.Duration;

/**
 * How a {@link ProcessPool} treats its tasks and workers, beyond the workers' {@link ChildOptions}.
 *
 * <pre>{@code
 * PoolOptions options = PoolOptions.defaults()
 *         .withTaskTimeout(Duration.ofSeconds(30))   // a task running longer: worker killed, TimeoutException
 *         .withMaxTasksPerWorker(1_000)              // a fresh worker after 1,000 tasks (leaky native code)
 *         .withInitializer(() -> Native.load());     // once per worker, before its first task
 * try (ProcessPool pool = ProcessPool.create(4, ChildOptions.defaults(), options)) {
 *     ...
 * }
 * }</pre>
 *
 * @param taskTimeout how long a task may run, counted from the moment a worker is handed it (time
 *     spent queued does not count); then its worker is killed (and replaced) and its future fails
 *     with {@link java.util.concurrent.TimeoutException}. {@code null} (the default) lets tasks
 *     run as long as they take, and so does a duration too long to count in nanoseconds.
 *     {@link ProcessPool#submit(SerializableCallable, Duration)} sets one task's.
 * @param maxTasksPerWorker after this many tasks a worker exits and a fresh one replaces it, as
 *     Python's {@code max_tasks_per_child} (for tasks that leak memory, say); 0 (the default) keeps
 *     workers as long as they live
 * @param initializer run once in each worker before its first task, or {@code null} (the default)
 *     for none. It is serialized like a task and must not capture a pipe handle. If it throws in
 *     any worker, the pool is broken: every queued task and every later submission fails at once
 *     with an {@link IpcException} carrying the initializer's stack trace (cause: its exception,
 *     where it could travel), instead of workers being respawned forever; tasks already running
 *     finish.
 */
public record PoolOptions(Duration taskTimeout, int maxTasksPerWorker, ChildTask initializer) {
    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if {@code taskTimeout} is zero or negative, or
     *     {@code maxTasksPerWorker} negative
     */
    public PoolOptions {
        if (taskTimeout != null && (taskTimeout.isZero() || taskTimeout.isNegative())) {
            throw new IllegalArgumentException("taskTimeout must be positive (or null for none), not " + taskTimeout);
        }
        if (maxTasksPerWorker < 0) {
            throw new IllegalArgumentException("maxTasksPerWorker must be >= 0 (0 for no limit), not " + maxTasksPerWorker);
        }
    }

    /**
     * The options of {@link ProcessPool#create(int)}.
     *
     * @return no task timeout, no limit of tasks per worker, no initializer
     */
    public static PoolOptions defaults() {
        return new PoolOptions(null, 0, null);
    }

    /**
     * Sets how long a task may run before its worker is killed and its future fails with a timeout.
     *
     * @param taskTimeout how long a task may run, or null for no limit
     * @return a copy with it
     */
    public PoolOptions withTaskTimeout(Duration taskTimeout) {
        return new PoolOptions(taskTimeout, maxTasksPerWorker, initializer);
    }

    /**
     * Sets after how many tasks a worker exits and is replaced (for tasks that leak).
     *
     * @param maxTasksPerWorker tasks after which a worker is replaced, 0 for no limit
     * @return a copy with it
     */
    public PoolOptions withMaxTasksPerWorker(int maxTasksPerWorker) {
        return new PoolOptions(taskTimeout, maxTasksPerWorker, initializer);
    }

    /**
     * Sets what each worker runs once, before its first task.
     *
     * @param initializer what each worker runs once before its first task, or null
     * @return a copy with it
     */
    public PoolOptions withInitializer(ChildTask initializer) {
        return new PoolOptions(taskTimeout, maxTasksPerWorker, initializer);
    }
}
