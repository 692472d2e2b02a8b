package dev.jipc;

import dev.jipc.internal.spawn.WorkerPool;
import dev.jipc.internal.util.Timeouts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An executor of reusable, warm child JVMs, where one crash fails one task: Python's
 * {@code ProcessPoolExecutor} without its {@code BrokenProcessPool}.
 *
 * <pre>{@code
 * try (ProcessPool pool = ProcessPool.create(4)) {              // four worker JVMs boot in the background
 *     CompletableFuture<Long> sum = pool.submit(() -> LongStream.range(0, 1_000_000).sum());
 *     System.out.println(sum.join());                           // computed in a worker
 *
 *     List<Integer> squares = pool.map(x -> x * x, List.of(1, 2, 3)).join();   // [1, 4, 9], in order
 *
 *     CompletableFuture<Object> crash = pool.submit(() -> { System.exit(3); return null; });
 *     Throwable why = crash.handle((value, failure) -> failure).join();   // ChildDiedException, Exited[code=3]
 *     pool.submit(() -> "still fine").join();                   // a replacement worker took over
 * }                                                             // close(): queued tasks run, then the workers exit
 * }</pre>
 *
 * <p><b>Workers.</b> {@code workers} child JVMs are started with the given {@link ChildOptions}
 * (JVM options, environment; the name, if any, names the pool and its workers) and warmed as
 * {@link WarmChildren} spares are; each runs one task at a time on its main thread and is reused
 * for the next. They die with this JVM, whatever the options' daemon flag, even when it is killed
 * by SIGKILL. The pool holds no thread per worker: a worker's answers are read asynchronously off
 * the reactor, and its death is noticed by its reaping.
 *
 * <p><b>Tasks</b> start in submission order, each as soon as a worker is free. A task travels as a
 * {@link Jipc#startProcess} task does (Java serialization, with everything it captures), and so
 * does its result, which completes the future. Waiting on the future is cooperative: a virtual
 * thread unmounts. Callbacks registered on it ({@code thenApply}, {@code whenComplete}, ...) run on
 * virtual threads, never on a thread of the pool, so a callback that blocks stalls nothing.
 *
 * <p><b>Failures</b> stay with their task:
 * <ul>
 * <li>a task that captures a pipe handle is refused: its future fails at once with
 *     {@link IpcException} (hand handles over with {@link Jipc#startProcess} or
 *     {@link WarmChildren}); one that captures something not serializable, likewise;
 * <li>a task that throws fails with {@link TaskFailedException}: cause the exception, rebuilt
 *     here when it could travel, and the worker's stack trace in the message always; the worker
 *     goes on;
 * <li>a result that cannot be serialized fails with {@link CodecException} naming its class; the
 *     worker goes on;
 * <li>a worker that dies while running a task (a crash, a signal, {@code System.exit}) fails that
 *     task with {@link ChildDiedException} carrying its {@link ExitStatus}, and is replaced. No
 *     other future fails and no other task is delayed beyond the lost worker: a crash never
 *     breaks the pool;
 * <li>a task that runs past its timeout ({@link PoolOptions#taskTimeout},
 *     {@link #submit(SerializableCallable, Duration)}) has its worker killed and replaced, and
 *     fails with {@link java.util.concurrent.TimeoutException};
 * <li>{@code cancel(true)} of a running task kills its worker (then replaced); {@code cancel}
 *     of a queued task, either way, takes it off the queue. {@code cancel(false)} of a running task
 *     does nothing and returns false;
 * <li>an initializer that throws, or three workers in a row that die before they are ready (bad
 *     JVM options, say), break the pool: queued and later tasks fail at once with
 *     {@link IpcException} saying why; nothing is respawned forever.
 * </ul>
 *
 * <p><b>Shutdown.</b> After {@link #shutdown()}, {@code submit} throws
 * {@link RejectedExecutionException}; queued tasks still run, then the workers exit.
 * {@link #close()} is {@code shutdown()} and a wait, as {@link java.util.concurrent.ExecutorService#close()}.
 */
public final class ProcessPool implements AutoCloseable {
    private final WorkerPool pool;

    private ProcessPool(WorkerPool pool) {
        this.pool = pool;
    }

    /**
     * Starts a pool of {@code workers} worker JVMs with the default options.
     *
     * @param workers how many worker JVMs to keep
     * @return a pool with {@link ChildOptions#defaults()}, whose workers boot now in the background
     * @throws IllegalArgumentException if {@code workers < 1}
     */
    public static ProcessPool create(int workers) {
        return create(workers, ChildOptions.defaults());
    }

    /**
     * Starts a pool of {@code workers} worker JVMs, each started with {@code options}.
     *
     * @param workers how many worker JVMs to keep
     * @param options how workers start (JVM options, environment); a name names the pool
     * @return a pool whose workers boot now, in the background
     * @throws IllegalArgumentException if {@code workers < 1}
     */
    public static ProcessPool create(int workers, ChildOptions options) {
        return create(workers, options, PoolOptions.defaults());
    }

    /**
     * A pool with a task timeout, a limit of tasks per worker or an initializer (see {@link PoolOptions}).
     *
     * <pre>{@code
     * ProcessPool pool = ProcessPool.create(2, ChildOptions.defaults().withJvmOptions("-Xmx512m"),
     *         PoolOptions.defaults().withTaskTimeout(Duration.ofMinutes(1)).withMaxTasksPerWorker(500));
     * }</pre>
     *
     * @param workers how many worker JVMs to keep
     * @param options how workers start
     * @param poolOptions how tasks and workers are treated
     * @return a pool whose workers boot now, in the background
     * @throws IllegalArgumentException if {@code workers < 1}
     * @throws IpcException if the initializer captures a pipe handle or something not serializable
     */
    public static ProcessPool create(int workers, ChildOptions options, PoolOptions poolOptions) {
        return new ProcessPool(WorkerPool.create(workers, options, poolOptions));
    }

    /**
     * Queues {@code task}; a worker runs it when it is free and every task submitted before it has
     * started.
     *
     * @param <T> the result's type
     * @param task what a worker runs; serialized now, with what it captures
     * @return its result; failed as the class comment says, never by another task's failure
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task) {
        return pool.submit(task, pool.defaultTimeoutNanos());
    }

    /**
     * Like {@link #submit(SerializableCallable)}, with a timeout of its own.
     *
     * <pre>{@code
     * pool.submit(() -> slowNativeCall(), Duration.ofSeconds(5))
     *     .exceptionally(e -> null);          // a TimeoutException after 5 s of running: worker killed
     * }</pre>
     *
     * @param <T> the result's type
     * @param task what a worker runs
     * @param timeout how long the task may run, counted from the moment a worker is handed it;
     *     then its worker is killed (and replaced) and the future fails with
     *     {@link java.util.concurrent.TimeoutException}. A duration too long to count means none.
     * @return its result
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task, Duration timeout) {
        return pool.submit(task, timeoutNanos(timeout));
    }

    /**
     * Queues every task of {@code tasks}, in their iteration order and together: no task submitted
     * meanwhile by another thread comes between them. Tasks that cannot be serialized fail alone.
     *
     * @param <T> the results' type
     * @param tasks what the workers run
     * @return the futures, in the order of {@code tasks}
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    public <T> List<CompletableFuture<T>> submitAll(Collection<? extends SerializableCallable<T>> tasks) {
        return pool.submitAll(List.copyOf(tasks), pool.defaultTimeoutNanos());
    }

    /**
     * Applies {@code function} to every input in the workers, as Python's {@code Executor.map}: one
     * task per input, submitted together in input order.
     *
     * <pre>{@code
     * List<String> upper = pool.map(String::toUpperCase, List.of("a", "b")).join();   // [A, B]
     * }</pre>
     *
     * @param <A> the inputs' type
     * @param <B> the results' type
     * @param function serialized with each input (a lambda or method reference is serializable here)
     * @param inputs each serialized into its task
     * @return the results in input order, once every task has succeeded; it fails as soon as one task
     *     fails, with that task's exception, and the tasks still queued are then cancelled (as they
     *     are when this future is cancelled)
     * @throws RejectedExecutionException after {@link #shutdown()}
     */
    public <A, B> CompletableFuture<List<B>> map(SerializableFunction<? super A, ? extends B> function,
                                                 Iterable<? extends A> inputs) {
        Objects.requireNonNull(function, "function");
        List<SerializableCallable<B>> tasks = new ArrayList<>();
        for (A input : inputs) {
            tasks.add(() -> function.apply(input));
        }
        List<CompletableFuture<B>> futures = submitAll(tasks);
        CompletableFuture<List<B>> all = new CompletableFuture<>();
        AtomicInteger left = new AtomicInteger(futures.size());
        for (CompletableFuture<B> f : futures) {
            f.whenComplete((value, failure) -> {
                if (failure != null) {
                    all.completeExceptionally(failure);
                } else if (left.decrementAndGet() == 0) {
                    all.complete(futures.stream().map(CompletableFuture::resultNow).toList());
                }
            });
        }
        if (futures.isEmpty()) {
            all.complete(List.of());
        }
        all.whenComplete((value, failure) -> {
            if (failure != null) {
                futures.forEach(f -> f.cancel(false)); // the queued ones; running ones finish
            }
        });
        return all;
    }

    /**
     * How many workers the pool keeps: those running, and replacements while they boot.
     *
     * @return the {@code workers} it was created with
     */
    public int workers() {
        return pool.workers();
    }

    /** No new tasks ({@code submit} throws {@link RejectedExecutionException}); queued ones still run; then the workers exit. */
    public void shutdown() {
        pool.shutdown();
    }

    /**
     * No new tasks; the queued ones and those running are cancelled, and every worker is killed.
     * For a pool that must stop now, as {@link java.util.concurrent.ExecutorService#shutdownNow()}.
     */
    public void shutdownNow() {
        pool.shutdownNow();
    }

    /**
     * Whether the pool takes no more tasks.
     *
     * @return whether {@link #shutdown()} (or {@link #shutdownNow()}, {@link #close()}) was called
     */
    public boolean isShutdown() {
        return pool.isShutdown();
    }

    /**
     * Whether the pool is done: after a shutdown, every queued task has run and every worker exited.
     *
     * @return whether the pool is shut down, its queue empty and every worker gone
     */
    public boolean isTerminated() {
        return pool.isTerminated();
    }

    /**
     * Waits until, after a shutdown, every queued task has run and every worker has exited.
     *
     * @param timeout how long to wait at most; zero or negative does not wait, a duration too long
     *     to count waits as long as it takes
     * @return true if the pool terminated, false if the timeout passed first
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return pool.awaitTermination(Timeouts.nanos(timeout));
    }

    /**
     * {@link #shutdown()}, then waits until the pool terminated, as
     * {@link java.util.concurrent.ExecutorService#close()}: if interrupted while waiting, it
     * {@linkplain #shutdownNow() stops everything now}, waits for the workers to be gone, and
     * returns with the interrupt status set. Idempotent.
     */
    @Override
    public void close() {
        shutdown();
        boolean interrupted = false;
        while (!isTerminated()) {
            try {
                pool.awaitTermination(Timeouts.FOREVER);
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return pool.toString();
    }

    private static long timeoutNanos(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("a task timeout must be positive, not " + timeout);
        }
        return Timeouts.nanos(timeout);
    }
}
