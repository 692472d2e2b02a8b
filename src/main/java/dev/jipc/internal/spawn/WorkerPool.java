package dev.jipc.internal.spawn;

import dev.jipc.ChildDiedException;
import dev.jipc.ChildOptions;
import dev.jipc.ChildTask;
import dev.jipc.CodecException;
import dev.jipc.ExitStatus;
import dev.jipc.HandleClosedException;
import dev.jipc.HandleLockedException;
import dev.jipc.IpcException;
import dev.jipc.PoolOptions;
import dev.jipc.SerializableCallable;
import dev.jipc.TaskFailedException;
import dev.jipc.internal.child.WorkerProtocol;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.util.Timeouts;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What {@code ProcessPool} is: {@code target} worker JVMs (see {@link PoolWorker} and
 * {@code WorkerMain}) fed from one queue in submission order. No thread per worker: a worker's
 * answers are read by a {@code getAsync} chain on its control socket (a virtual thread parked on
 * the reactor while it waits), its death is noticed by that read's end of file and its exit
 * future, and its tasks are written by whichever thread hands them over.
 *
 * <p>Every decision is taken under {@link #lock}; what it decides (writing a task, killing a
 * worker, completing a future) is done after the lock is released, from the list of actions each
 * step collects. A task's future is completed by whoever moved the task to {@code DONE} under the
 * lock, so that a cancel, a timeout, an answer and a death never both complete it. Workers are
 * spawned on the spawner thread, so they die with this JVM (PR_SET_PDEATHSIG, and the shutdown
 * hook's list).
 */
public final class WorkerPool {
    /** After this many workers in a row die before they are ready (or cannot be spawned), the pool is broken. */
    static final int MAX_FAILED_BOOTS = 3;
    private static final System.Logger LOG = System.getLogger("dev.jipc");
    private static final AtomicInteger NEXT_POOL = new AtomicInteger(1);

    private final ChildOptions options;
    private final int target;
    private final long defaultTimeoutNanos;
    private final int maxTasksPerWorker;
    /** The serialized initializer, or empty for none: a worker's first frame. */
    private final byte[] initializer;
    private final ClassLoader initializerLoader;
    private final String name;
    private final AtomicInteger nextWorker = new AtomicInteger(1);
    /** Completed once shut down, with the queue empty and every worker reaped. */
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    /** Guards every field below, and the state of every task and worker of this pool. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Tasks QUEUED, in submission order, and tasks cancelled while queued (skipped when polled). */
    private final ArrayDeque<PoolTask> queue = new ArrayDeque<>();
    /** How many tasks in {@link #queue} are QUEUED. */
    private int queued;
    /** Workers spawned and not yet reaped, in every state. */
    private final List<PoolWorker> workers = new ArrayList<>();
    /** Workers asked of the spawner and not yet in {@link #workers}. */
    private int spawning;
    /** Workers in a row that died before they were ready. */
    private int failedBoots;
    private boolean shutdown;
    /** Why no task can run any more (an initializer that threw, workers that never boot), or null. */
    private Broken broken;

    /** Why the pool cannot run tasks: every queued and later task fails with a fresh copy of this. */
    private record Broken(String message, Throwable cause) {
        IpcException exception() {
            return new IpcException(message, cause);
        }
    }

    private WorkerPool(int target, ChildOptions options, PoolOptions poolOptions, byte[] initializer) {
        this.target = target;
        this.options = options;
        this.defaultTimeoutNanos = poolOptions.taskTimeout() == null ? Timeouts.FOREVER
                : Timeouts.nanos(poolOptions.taskTimeout());
        this.maxTasksPerWorker = poolOptions.maxTasksPerWorker();
        this.initializer = initializer;
        ChildTask init = poolOptions.initializer();
        this.initializerLoader = init == null ? null : init.getClass().getClassLoader();
        this.name = options.name() != null ? options.name() : "ProcessPool-" + NEXT_POOL.getAndIncrement();
    }

    /**
     * Starts a pool whose {@code workers} workers boot now, in the background.
     *
     * @throws IllegalArgumentException if {@code workers < 1}
     * @throws IpcException if the initializer cannot be serialized or captures a pipe handle
     */
    public static WorkerPool create(int workers, ChildOptions options, PoolOptions poolOptions) {
        if (workers < 1) {
            throw new IllegalArgumentException("a process pool needs at least 1 worker, not " + workers);
        }
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(poolOptions, "poolOptions");
        byte[] initializer = poolOptions.initializer() == null ? new byte[0] : serialize(poolOptions.initializer(), "initializer");
        WorkerPool pool = new WorkerPool(workers, options, poolOptions, initializer);
        List<Runnable> after = new ArrayList<>();
        pool.lock.lock();
        try {
            pool.refill(after);
        } finally {
            pool.lock.unlock();
        }
        run(after);
        return pool;
    }

    public int workers() {
        return target;
    }

    /** @return the timeout of a task submitted without one */
    public long defaultTimeoutNanos() {
        return defaultTimeoutNanos;
    }

    /**
     * Queues {@code task}; it runs when a worker is free and the tasks submitted before it have started.
     *
     * @param timeoutNanos how long it may run, or {@link Timeouts#FOREVER}
     * @throws RejectedExecutionException after {@link #shutdown}
     */
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> submit(SerializableCallable<T> task, long timeoutNanos) {
        return (CompletableFuture<T>) submitAll(List.of(Objects.requireNonNull(task, "task")), timeoutNanos).getFirst();
    }

    /**
     * Queues {@code tasks} in their order, together: no task submitted meanwhile comes between them.
     *
     * @throws RejectedExecutionException after {@link #shutdown}
     */
    public <T> List<CompletableFuture<T>> submitAll(Collection<? extends SerializableCallable<T>> tasks, long timeoutNanos) {
        checkOpen();
        List<PoolTask> accepted = new ArrayList<>(tasks.size());
        List<CompletableFuture<T>> futures = new ArrayList<>(tasks.size());
        for (SerializableCallable<T> task : tasks) {
            PoolFuture<Object> future = new PoolFuture<>();
            @SuppressWarnings("unchecked")
            CompletableFuture<T> typed = (CompletableFuture<T>) (CompletableFuture<?>) future;
            futures.add(typed);
            Objects.requireNonNull(task, "task");
            byte[] bytes;
            try {
                bytes = serialize(task, "task");
            } catch (IpcException e) {
                new PoolTask(this, null, null, timeoutNanos, future).state = PoolTask.State.DONE; // never queued
                future.completeExceptionally(e);
                continue;
            }
            accepted.add(new PoolTask(this, bytes, task.getClass().getClassLoader(), timeoutNanos, future));
        }
        List<Runnable> after = new ArrayList<>(2);
        Broken refused;
        lock.lock();
        try {
            if (shutdown) {
                throw rejected();
            }
            refused = broken;
            if (refused == null) {
                for (PoolTask t : accepted) {
                    queue.add(t);
                }
                queued += accepted.size();
                dispatch(after);
            }
        } finally {
            lock.unlock();
        }
        run(after);
        if (refused != null) {
            for (PoolTask t : accepted) {
                t.future.completeExceptionally(refused.exception());
            }
        }
        return futures;
    }

    private void checkOpen() {
        lock.lock();
        try {
            if (shutdown) {
                throw rejected();
            }
        } finally {
            lock.unlock();
        }
    }

    private RejectedExecutionException rejected() {
        return new RejectedExecutionException(name + " is shut down: submit tasks before shutdown() or close(),"
                + " or create a new ProcessPool");
    }

    /**
     * Serializes a task as {@code startProcess} does, refusing one that captures a handle: a
     * worker runs many tasks and is handed no fds.
     */
    private static byte[] serialize(Serializable task, String what) {
        HandleTransfer.Captured captured;
        try {
            captured = HandleTransfer.capture(task);
        } catch (HandleClosedException | HandleLockedException e) {
            throw handleRefused(what, e);
        } catch (IpcException e) {
            if (e.getCause() instanceof NotSerializableException n) {
                throw new IpcException("the " + what + " captures an object that is not serializable: " + n.getMessage()
                        + "; a ProcessPool " + what + " is serialized with everything it captures", n);
            }
            throw e;
        }
        if (!captured.handles().isEmpty()) {
            throw handleRefused(what, null);
        }
        return captured.bytes();
    }

    private static IpcException handleRefused(String what, RuntimeException cause) {
        return new IpcException("the " + what + " captures a pipe handle, and a ProcessPool hands no handles to its"
                + " workers: hand handles to a child with Jipc.startProcess or WarmChildren.startProcess; nothing was"
                + " submitted", cause);
    }

    // ---- under the lock: decisions -------------------------------------------------------------

    /** Hands queued tasks to idle workers; retires workers nobody needs any more; notes termination. */
    private void dispatch(List<Runnable> after) {
        assert lock.isHeldByCurrentThread();
        for (PoolWorker w : workers) {
            if (w.state != PoolWorker.State.IDLE) {
                continue;
            }
            PoolTask next = pollQueued();
            if (next == null) {
                break;
            }
            assign(w, next, after);
        }
        if (queued == 0 && (shutdown || broken != null)) {
            for (PoolWorker w : workers) {
                if (w.state == PoolWorker.State.IDLE || w.state == PoolWorker.State.BOOTING) {
                    retire(w, w.state == PoolWorker.State.BOOTING, after);
                }
            }
        }
        if (shutdown && queued == 0 && workers.isEmpty() && spawning == 0 && !terminated.isDone()) {
            after.add(() -> terminated.complete(null));
        }
    }

    /** @return the oldest QUEUED task whose future is not complete (a user may complete it), or null */
    private PoolTask pollQueued() {
        assert lock.isHeldByCurrentThread();
        PoolTask t;
        while ((t = queue.poll()) != null) {
            if (t.state == PoolTask.State.QUEUED) {
                queued--;
                if (!t.future.isDone()) {
                    return t;
                }
                t.state = PoolTask.State.DONE;
            }
        }
        return null;
    }

    private void assign(PoolWorker w, PoolTask t, List<Runnable> after) {
        assert lock.isHeldByCurrentThread();
        t.state = PoolTask.State.RUNNING;
        t.worker = w;
        w.current = t;
        w.state = PoolWorker.State.BUSY;
        if (t.timeoutNanos != Timeouts.FOREVER) {
            t.timer = Timer.EXECUTOR.schedule(() -> timedOut(t), t.timeoutNanos, TimeUnit.NANOSECONDS);
        }
        after.add(() -> w.send(t.bytes));
    }

    /** The worker gets no more tasks: it is told to exit, or killed; a replacement boots if one is needed. */
    private void retire(PoolWorker w, boolean kill, List<Runnable> after) {
        assert lock.isHeldByCurrentThread();
        w.state = PoolWorker.State.RETIRING;
        after.add(kill ? w.child::kill : w::sendExit);
        refill(after);
    }

    /** Asks the spawner for the workers missing, unless no more tasks will come or can run. */
    private void refill(List<Runnable> after) {
        assert lock.isHeldByCurrentThread();
        if (broken != null || (shutdown && queued == 0)) {
            return;
        }
        int live = spawning;
        for (PoolWorker w : workers) {
            live += w.state == PoolWorker.State.RETIRING ? 0 : 1;
        }
        for (int i = live; i < target; i++) {
            spawning++;
            after.add(() -> JavaLauncher.SPAWNER.execute(this::boot));
        }
    }

    private static void done(PoolTask t) {
        t.state = PoolTask.State.DONE;
        if (t.timer != null) {
            t.timer.cancel(false);
        }
    }

    /** Breaks the pool: every queued task fails now, every later one at once. */
    private List<PoolTask> breakPool(String message, Throwable cause) {
        assert lock.isHeldByCurrentThread();
        if (broken != null) {
            return List.of();
        }
        broken = new Broken(message, cause);
        LOG.log(System.Logger.Level.WARNING, "jipc: " + message);
        return drainQueued();
    }

    /** @return the QUEUED tasks, now DONE: the caller completes their futures */
    private List<PoolTask> drainQueued() {
        assert lock.isHeldByCurrentThread();
        List<PoolTask> drained = new ArrayList<>(queued);
        for (PoolTask t : queue) {
            if (t.state == PoolTask.State.QUEUED) {
                done(t);
                drained.add(t);
            }
        }
        queue.clear();
        queued = 0;
        return drained;
    }

    // ---- events --------------------------------------------------------------------------------

    /** On the spawner: one more worker. */
    private void boot() {
        List<Runnable> after = new ArrayList<>();
        boolean wanted;
        lock.lock();
        try {
            wanted = broken == null && !(shutdown && queued == 0);
            if (!wanted) {
                spawning--;
                dispatch(after); // this boot may be the last thing termination waited for
            }
        } finally {
            lock.unlock();
        }
        if (!wanted) {
            run(after);
            return;
        }
        PoolWorker w = null;
        RuntimeException failure = null;
        try {
            w = PoolWorker.spawn(options, name + "-worker-" + nextWorker.getAndIncrement());
        } catch (RuntimeException e) {
            failure = e;
        }
        List<PoolTask> failed = List.of();
        lock.lock();
        try {
            spawning--;
            if (w != null) {
                workers.add(w);
            } else {
                failed = failedBoot("could not be started (last: " + failure + ")", failure, after);
            }
            dispatch(after); // a pool shut down meanwhile retires the new worker at once
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.out.putAsync(initializer);
            read(w);
        }
        run(after);
        failAll(failed);
    }

    /**
     * A worker could not be spawned, or died before it was ready: boot another, unless too many
     * failed in a row.
     *
     * @return the tasks to fail if the pool broke
     */
    private List<PoolTask> failedBoot(String why, Throwable cause, List<Runnable> after) {
        assert lock.isHeldByCurrentThread();
        if (++failedBoots < MAX_FAILED_BOOTS) {
            refill(after);
            return List.of();
        }
        return breakPool(MAX_FAILED_BOOTS + " workers of " + name + " in a row " + why + "; no task can run in"
                + " this pool: check its ChildOptions (JVM options, environment) and create a new one", cause);
    }

    /** Reads the worker's next answer, and so on until its end of file. */
    private void read(PoolWorker w) {
        w.in.getAsync().whenComplete((frame, failure) -> {
            if (failure != null) {
                readEnded(w);
                return;
            }
            try {
                answered(w, frame);
            } catch (RuntimeException | Error e) { // a jipc bug: the worker's death cleans up
                LOG.log(System.Logger.Level.ERROR, "jipc: " + w + " answered something unexpected; killing it", e);
                w.child.kill();
            }
            read(w);
        });
    }

    /** The control socket ended (or failed): the worker is gone, or must go. */
    private void readEnded(PoolWorker w) {
        w.child.kill(); // nothing if it exited; a worker that closed its socket and lives on is of no use
        w.child.onExit().whenComplete((status, failure) -> died(w, status));
    }

    private void answered(PoolWorker w, byte[] frame) {
        byte kind = frame.length == 0 ? 0 : frame[0];
        switch (kind) {
            case WorkerProtocol.READY -> ready(w);
            case WorkerProtocol.INIT_FAILED -> initFailed(w, frame);
            case WorkerProtocol.VALUE, WorkerProtocol.THREW, WorkerProtocol.CODEC_FAILED -> result(w, frame);
            default -> throw new IllegalStateException("unknown answer " + kind);
        }
    }

    private void ready(PoolWorker w) {
        List<Runnable> after = new ArrayList<>(1);
        lock.lock();
        try {
            if (w.state == PoolWorker.State.BOOTING) {
                w.state = PoolWorker.State.IDLE;
                failedBoots = 0;
                dispatch(after);
            }
        } finally {
            lock.unlock();
        }
        run(after);
    }

    private void initFailed(PoolWorker w, byte[] frame) {
        WorkerProtocol.Failure f = WorkerProtocol.failure(frame, initializerLoader);
        String message = "the initializer of " + name + " threw in " + w + ", so no task can run in this pool: fix the"
                + " initializer and create a new pool. Its stack trace there:\n" + f.trace();
        List<Runnable> after = new ArrayList<>();
        List<PoolTask> failed;
        lock.lock();
        try {
            w.state = PoolWorker.State.RETIRING; // it exits 1 by itself
            failed = breakPool(message, f.thrown());
            dispatch(after);
        } finally {
            lock.unlock();
        }
        run(after);
        failAll(failed);
    }

    private void failAll(List<PoolTask> tasks) {
        Broken why;
        lock.lock();
        try {
            why = broken;
        } finally {
            lock.unlock();
        }
        for (PoolTask t : tasks) {
            t.future.completeExceptionally(why.exception());
        }
    }

    /** The worker answered its task: hand it the next one, then complete this one's future. */
    private void result(PoolWorker w, byte[] frame) {
        List<Runnable> after = new ArrayList<>(1);
        PoolTask t;
        boolean owned;
        lock.lock();
        try {
            t = w.current;
            w.current = null;
            owned = t != null && t.state == PoolTask.State.RUNNING;
            if (owned) {
                done(t);
            }
            w.tasksRun++;
            if (w.state == PoolWorker.State.BUSY) {
                if (maxTasksPerWorker > 0 && w.tasksRun >= maxTasksPerWorker) {
                    retire(w, false, after);
                } else {
                    w.state = PoolWorker.State.IDLE;
                }
            }
            dispatch(after);
        } finally {
            lock.unlock();
        }
        run(after);
        if (owned) {
            complete(t, w, frame);
        }
    }

    private static void complete(PoolTask t, PoolWorker w, byte[] frame) {
        switch (frame[0]) {
            case WorkerProtocol.VALUE -> {
                Object value;
                try {
                    value = WorkerProtocol.read(frame, 1, frame.length - 1, t.loader);
                } catch (Exception e) {
                    t.future.completeExceptionally(new CodecException("the task's result could not be deserialized"
                            + " here: " + e, e));
                    return;
                }
                t.future.complete(value);
            }
            case WorkerProtocol.THREW -> {
                WorkerProtocol.Failure f = WorkerProtocol.failure(frame, t.loader);
                String lost = f.thrown() != null ? "" : " (the exception itself could not be rebuilt here: "
                        + f.whyNotRebuilt() + ")";
                t.future.completeExceptionally(new TaskFailedException("the task threw in " + w + lost
                        + "; its stack trace there:\n" + f.trace(), f.trace(), f.thrown()));
            }
            default -> t.future.completeExceptionally(new CodecException(WorkerProtocol.text(frame)));
        }
    }

    /** The worker was reaped: fail its task, if it had one, and replace it. */
    private void died(PoolWorker w, ExitStatus status) {
        ExitStatus how = status != null ? status : new ExitStatus.Signaled(Processes.SIGKILL, false);
        List<Runnable> after = new ArrayList<>();
        List<PoolTask> failed = List.of();
        PoolTask t;
        boolean owned;
        lock.lock();
        try {
            workers.remove(w);
            t = w.current;
            w.current = null;
            owned = t != null && t.state == PoolTask.State.RUNNING;
            if (owned) {
                done(t);
            }
            if (w.state == PoolWorker.State.BOOTING) {
                failed = failedBoot("died before they were ready (last: " + w + ", " + how + ")", null, after);
            } else if (w.state != PoolWorker.State.RETIRING) {
                refill(after); // a retiring worker's replacement was asked for when it retired
            }
            dispatch(after);
        } finally {
            lock.unlock();
        }
        w.close();
        run(after);
        if (owned) {
            t.future.completeExceptionally(t.timedOut
                    ? new TimeoutException("the task ran longer than its timeout of " + Duration.ofNanos(t.timeoutNanos)
                            + "; its " + w + " was killed and is being replaced")
                    : new ChildDiedException("the " + w + " running the task died: " + how
                            + "; the pool goes on with a replacement", how));
        }
        failAll(failed);
    }

    /** On the timer: the task is still running after its timeout; kill its worker, whose death fails it. */
    private void timedOut(PoolTask t) {
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            if (t.state == PoolTask.State.RUNNING && !t.timedOut) {
                t.timedOut = true;
                retire(t.worker, true, after);
            }
        } finally {
            lock.unlock();
        }
        run(after);
    }

    /** See {@link PoolFuture#cancel}. */
    boolean cancel(PoolTask t, boolean mayInterruptIfRunning) {
        List<Runnable> after = new ArrayList<>();
        boolean cancelled = false;
        lock.lock();
        try {
            if (t.state == PoolTask.State.QUEUED) {
                done(t); // left in the queue, skipped when polled
                queued--;
                cancelled = true;
                dispatch(after); // the queue may be empty now, which a shutdown waits for
            } else if (t.state == PoolTask.State.RUNNING && mayInterruptIfRunning) {
                done(t);
                t.worker.current = null;
                retire(t.worker, true, after);
                cancelled = true;
            }
        } finally {
            lock.unlock();
        }
        if (cancelled) {
            t.future.cancelled();
        }
        run(after);
        return t.future.isCancelled();
    }

    /** No new tasks; queued ones still run; then the workers exit. */
    public void shutdown() {
        List<Runnable> after = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            dispatch(after);
        } finally {
            lock.unlock();
        }
        run(after);
    }

    /** No new tasks; queued and running ones are cancelled, every worker killed. */
    public void shutdownNow() {
        List<Runnable> after = new ArrayList<>();
        List<PoolTask> cancelled;
        lock.lock();
        try {
            shutdown = true;
            cancelled = drainQueued();
            for (PoolWorker w : workers) {
                PoolTask t = w.current;
                if (t != null && t.state == PoolTask.State.RUNNING) {
                    done(t);
                    cancelled.add(t);
                }
                w.current = null;
                if (w.state != PoolWorker.State.RETIRING) {
                    retire(w, true, after);
                }
            }
            dispatch(after);
        } finally {
            lock.unlock();
        }
        cancelled.forEach(t -> t.future.cancelled());
        run(after);
    }

    public boolean isShutdown() {
        lock.lock();
        try {
            return shutdown;
        } finally {
            lock.unlock();
        }
    }

    public boolean isTerminated() {
        return terminated.isDone();
    }

    /** @param nanos from {@link Timeouts#nanos}, {@link Timeouts#FOREVER} waiting without a deadline */
    public boolean awaitTermination(long nanos) throws InterruptedException {
        try {
            if (nanos == Timeouts.FOREVER) {
                terminated.get();
            } else {
                terminated.get(nanos, TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new AssertionError("termination never fails", e);
        }
    }

    private static void run(List<Runnable> actions) {
        for (Runnable r : actions) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return name;
    }

    /** Kills workers whose task ran out of time: one daemon thread for every pool, started on first use. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "jipc-pool-timer");
                t.setDaemon(true);
                return t;
            });
            e.setRemoveOnCancelPolicy(true); // a finished task's timer does not linger until it would fire
            return e;
        }
    }
}
