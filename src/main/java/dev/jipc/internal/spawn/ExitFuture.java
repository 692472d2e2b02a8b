package dev.jipc.internal.spawn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What {@code onExit()} returns: a view of the child's exit future that is fast to wait on and
 * never runs a callback on the thread that reaps the child (the reactor, or a joining thread).
 *
 * <p>Waits ({@code get}, {@code join}) and state queries go to {@link #outcome}, completed on the
 * reaping thread the moment the child is reaped: a waiter is woken with no extra hop. Every
 * dependent stage is registered on it as its async variant on a virtual thread, so user code never
 * runs on the reactor nor on a joiner. This future's own completion, which the JDK's
 * combinators ({@code allOf}, {@code anyOf}) observe, is relayed by a virtual thread as well.
 *
 * <p>Completing the view ({@code cancel}, {@code complete}, {@code completeExceptionally})
 * completes {@link #outcome} first, so every query, wait and stage agrees with it; the child and
 * its other views are unaffected. A pool task's future is one too ({@link PoolFuture}).
 */
class ExitFuture<T> extends CompletableFuture<T> {
    /** Starts one virtual thread. */
    private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("jipc-exit-callback").start(task);

    /**
     * This view's outcome: the child's exit, relayed synchronously by the reaping thread (it has
     * no dependents but jipc's), unless the view was completed first by its holder.
     */
    private final CompletableFuture<T> outcome = new CompletableFuture<>();

    /**
     * Whether a virtual thread was given the relay: the relay's own, or the first callback's, which
     * relays before it runs the callback. One thread per completion instead of two, so the exit
     * wakes one carrier less (callbacks are popped before the relay, registered first).
     */
    private final AtomicBoolean relayClaimed = new AtomicBoolean();

    /**
     * Runs user callbacks: one virtual thread each; the first started once {@link #outcome} is done
     * also relays (an either-stage may start before it is).
     */
    private final Executor callbacks = task -> {
        if (outcome.isDone() && relayClaimed.compareAndSet(false, true)) {
            VIRTUAL.execute(() -> {
                relay();
                task.run();
            });
        } else {
            VIRTUAL.execute(task);
        }
    };

    /** The child's exit future, completed by whoever reaps it (a pool task's result, see {@link PoolFuture}). */
    final CompletableFuture<T> source;

    ExitFuture(CompletableFuture<T> source) {
        this.source = source;
        source.whenComplete((value, failure) -> {
            if (failure != null) {
                outcome.completeExceptionally(failure);
            } else {
                outcome.complete(value);
            }
        });
        outcome.whenCompleteAsync((value, failure) -> relay(), task -> {
            if (relayClaimed.compareAndSet(false, true)) {
                VIRTUAL.execute(task);
            }
        });
    }

    /** Completes this future as {@link #outcome} was, on a virtual thread: its dependents may be user code. */
    private void relay() {
        assert outcome.isDone() && Thread.currentThread().isVirtual();
        outcome.whenComplete((value, failure) -> { // done: runs here, with the very value or failure
            if (failure != null) {
                super.completeExceptionally(failure);
            } else {
                super.complete(value);
            }
        });
    }

    // The holder completing the view: the outcome first, then this future at once (not by the relay).

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (outcome.cancel(mayInterruptIfRunning)) {
            super.cancel(mayInterruptIfRunning);
            return true;
        }
        return false;
    }

    @Override
    public boolean complete(T value) {
        if (outcome.complete(value)) {
            super.complete(value);
            return true;
        }
        return false;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
        if (outcome.completeExceptionally(failure)) {
            super.completeExceptionally(failure);
            return true;
        }
        return false;
    }

    @Override
    public void obtrudeValue(T value) {
        outcome.obtrudeValue(value);
        super.obtrudeValue(value);
    }

    @Override
    public void obtrudeException(Throwable failure) {
        outcome.obtrudeException(failure);
        super.obtrudeException(failure);
    }

    @Override
    public boolean isCancelled() {
        return outcome.isCancelled();
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return outcome.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return outcome.get(timeout, unit);
    }

    @Override
    public T join() {
        return outcome.join();
    }

    @Override
    public T getNow(T valueIfAbsent) {
        return outcome.getNow(valueIfAbsent);
    }

    @Override
    public T resultNow() {
        return outcome.resultNow();
    }

    @Override
    public Throwable exceptionNow() {
        return outcome.exceptionNow();
    }

    @Override
    public boolean isDone() {
        return outcome.isDone();
    }

    @Override
    public boolean isCompletedExceptionally() {
        return outcome.isCompletedExceptionally();
    }

    @Override
    public State state() {
        return outcome.state();
    }

    @Override
    public Executor defaultExecutor() {
        return callbacks;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return outcome.thenApplyAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return outcome.thenAcceptAsync(action, callbacks);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return outcome.thenRunAsync(action, callbacks);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn) {
        return outcome.thenCombineAsync(other, fn, callbacks);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return outcome.thenAcceptBothAsync(other, action, callbacks);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return outcome.runAfterBothAsync(other, action, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return outcome.applyToEitherAsync(other, fn, callbacks);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return outcome.acceptEitherAsync(other, action, callbacks);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return outcome.runAfterEitherAsync(other, action, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return outcome.thenComposeAsync(fn, callbacks);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return outcome.handleAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return outcome.whenCompleteAsync(action, callbacks);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return outcome.exceptionallyAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return outcome.exceptionallyComposeAsync(fn, callbacks);
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
        return this;
    }
}
