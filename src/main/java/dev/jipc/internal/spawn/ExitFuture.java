package dev.jipc.internal.spawn;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What {@code onExit()} returns: a view of the child's exit future that is fast to wait on and
 * never runs a callback on the thread that reaps the child (the reactor, or a joining thread).
 *
 * <p>Waits ({@code get}, {@code join}) and state queries go straight to the child's own future,
 * which is completed the moment the child is reaped: a waiter is woken with no extra hop. Every
 * dependent stage is registered as its async variant on a virtual thread, so user code never
 * runs on the reactor nor on a joiner. This future's own completion, which the JDK's
 * combinators ({@code allOf}, {@code anyOf}) observe, is relayed by a virtual thread as well.
 * A pool task's future is one too ({@link PoolFuture}).
 */
class ExitFuture<T> extends CompletableFuture<T> {
    /** Runs user callbacks: one virtual thread each. */
    static final Executor CALLBACKS = task -> Thread.ofVirtual().name("jipc-exit-callback").start(task);

    /** The child's exit future, completed by whoever reaps it (a pool task's result, see {@link PoolFuture}). */
    final CompletableFuture<T> source;

    ExitFuture(CompletableFuture<T> source) {
        this.source = source;
        source.whenCompleteAsync((value, failure) -> {
            if (failure != null) {
                super.completeExceptionally(failure);
            } else {
                super.complete(value);
            }
        }, CALLBACKS);
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        return source.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        return source.get(timeout, unit);
    }

    @Override
    public T join() {
        return source.join();
    }

    @Override
    public T getNow(T valueIfAbsent) {
        return source.getNow(valueIfAbsent);
    }

    @Override
    public T resultNow() {
        return source.resultNow();
    }

    @Override
    public Throwable exceptionNow() {
        return source.exceptionNow();
    }

    @Override
    public boolean isDone() {
        return source.isDone();
    }

    @Override
    public boolean isCompletedExceptionally() {
        return source.isCompletedExceptionally();
    }

    @Override
    public State state() {
        return source.state();
    }

    @Override
    public Executor defaultExecutor() {
        return CALLBACKS;
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public <U> CompletableFuture<U> thenApply(Function<? super T, ? extends U> fn) {
        return source.thenApplyAsync(fn, CALLBACKS);
    }

    @Override
    public CompletableFuture<Void> thenAccept(Consumer<? super T> action) {
        return source.thenAcceptAsync(action, CALLBACKS);
    }

    @Override
    public CompletableFuture<Void> thenRun(Runnable action) {
        return source.thenRunAsync(action, CALLBACKS);
    }

    @Override
    public <U, V> CompletableFuture<V> thenCombine(CompletionStage<? extends U> other,
                                                   BiFunction<? super T, ? super U, ? extends V> fn) {
        return source.thenCombineAsync(other, fn, CALLBACKS);
    }

    @Override
    public <U> CompletableFuture<Void> thenAcceptBoth(CompletionStage<? extends U> other,
                                                      BiConsumer<? super T, ? super U> action) {
        return source.thenAcceptBothAsync(other, action, CALLBACKS);
    }

    @Override
    public CompletableFuture<Void> runAfterBoth(CompletionStage<?> other, Runnable action) {
        return source.runAfterBothAsync(other, action, CALLBACKS);
    }

    @Override
    public <U> CompletableFuture<U> applyToEither(CompletionStage<? extends T> other, Function<? super T, U> fn) {
        return source.applyToEitherAsync(other, fn, CALLBACKS);
    }

    @Override
    public CompletableFuture<Void> acceptEither(CompletionStage<? extends T> other, Consumer<? super T> action) {
        return source.acceptEitherAsync(other, action, CALLBACKS);
    }

    @Override
    public CompletableFuture<Void> runAfterEither(CompletionStage<?> other, Runnable action) {
        return source.runAfterEitherAsync(other, action, CALLBACKS);
    }

    @Override
    public <U> CompletableFuture<U> thenCompose(Function<? super T, ? extends CompletionStage<U>> fn) {
        return source.thenComposeAsync(fn, CALLBACKS);
    }

    @Override
    public <U> CompletableFuture<U> handle(BiFunction<? super T, Throwable, ? extends U> fn) {
        return source.handleAsync(fn, CALLBACKS);
    }

    @Override
    public CompletableFuture<T> whenComplete(BiConsumer<? super T, ? super Throwable> action) {
        return source.whenCompleteAsync(action, CALLBACKS);
    }

    @Override
    public CompletableFuture<T> exceptionally(Function<Throwable, ? extends T> fn) {
        return source.exceptionallyAsync(fn, CALLBACKS);
    }

    @Override
    public CompletableFuture<T> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<T>> fn) {
        return source.exceptionallyComposeAsync(fn, CALLBACKS);
    }

    @Override
    public CompletableFuture<T> toCompletableFuture() {
        return this;
    }
}
