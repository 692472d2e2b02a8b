package dev.jipc.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExitFutureTest {

    @Test
    void waitsSeeTheSourceAtOnceAndCallbacksRunOnVirtualThreads() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        CompletableFuture<Boolean> onVirtual = new CompletableFuture<>();
        view.thenRun(() -> onVirtual.complete(Thread.currentThread().isVirtual()));
        CompletableFuture<String> mapped = view.thenApply(s -> s + "!");
        assertFalse(view.isDone());
        Thread completer = Thread.ofPlatform().name("pretend-reactor").start(() -> source.complete("done"));
        completer.join();
        assertTrue(view.isDone()); // no relay needed for state
        assertEquals("done", view.join());
        assertEquals("done", view.getNow("absent"));
        assertTrue(onVirtual.get(10, TimeUnit.SECONDS));
        assertEquals("done!", mapped.get(10, TimeUnit.SECONDS));
    }

    @Test
    void theJdkCombinatorsSeeTheRelayedCompletion() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        CompletableFuture<Void> all = CompletableFuture.allOf(view, CompletableFuture.completedFuture(1));
        CompletableFuture<String> thread = all.thenApply(v -> Thread.currentThread().getName());
        source.complete("x");
        all.get(10, TimeUnit.SECONDS);
        assertEquals("jipc-exit-callback", thread.get(10, TimeUnit.SECONDS));
    }

    @Test
    void failuresReachWaitersAndCallbacks() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        CompletableFuture<String> recovered = view.exceptionally(t -> "recovered from " + t.getMessage());
        source.completeExceptionally(new IllegalStateException("lost"));
        assertTrue(view.isCompletedExceptionally());
        assertEquals("recovered from lost", recovered.get(10, TimeUnit.SECONDS));
    }

    @Test
    void cancelMakesTheViewDoneAndCancelledForEveryQueryAndLeavesTheChildsFutureAlone() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        ExitFuture<String> other = new ExitFuture<>(source);
        CompletableFuture<Throwable> blocked = TestSupport.blocked(Thread.ofPlatform(), view::get);
        CompletableFuture<String> stage = view.thenApply(s -> s + "!");
        assertTrue(view.cancel(true));
        assertTrue(view.isCancelled());
        assertTrue(view.isDone());
        assertTrue(view.isCompletedExceptionally());
        assertEquals(Future.State.CANCELLED, view.state());
        assertThrows(CancellationException.class, view::join);
        assertThrows(CancellationException.class, () -> view.getNow("absent"));
        assertInstanceOf(CancellationException.class, blocked.get(10, TimeUnit.SECONDS), "a blocked get() wakes");
        ExecutionException staged = assertThrows(ExecutionException.class, () -> stage.get(10, TimeUnit.SECONDS));
        assertInstanceOf(CancellationException.class, staged.getCause());
        assertFalse(view.complete("late"), "a cancelled view stays cancelled");
        assertFalse(source.isDone());
        source.complete("exited");
        assertEquals("exited", other.get(10, TimeUnit.SECONDS));
        assertTrue(view.isCancelled());
        assertFalse(other.cancel(true), "a view of an exited child cannot be cancelled");
        assertFalse(other.isCancelled());
    }

    @Test
    void aCallbackThatRelaysLetsTheCombinatorsSeeTheCompletionBeforeItRuns() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        CompletableFuture<Boolean> combinedDone = new CompletableFuture<>();
        view.thenRun(() -> combinedDone.complete(CompletableFuture.allOf(view).isDone())); // the first callback relays
        CompletableFuture<Void> all = CompletableFuture.allOf(view);
        Thread.ofPlatform().name("pretend-reactor").start(() -> source.complete("x")).join();
        assertTrue(combinedDone.get(10, TimeUnit.SECONDS), "relayed on the callback's thread before it ran");
        all.get(10, TimeUnit.SECONDS);
    }
    @Test
    void anEitherStageThatFiresBeforeTheExitLeavesTheRelayToTheExit() throws Exception {
        CompletableFuture<String> source = new CompletableFuture<>();
        ExitFuture<String> view = new ExitFuture<>(source);
        String either = view.applyToEither(CompletableFuture.completedFuture("other"), s -> s).get(10, TimeUnit.SECONDS);
        assertEquals("other", either);
        assertFalse(CompletableFuture.allOf(view).isDone());
        source.complete("exited");
        CompletableFuture.allOf(view).get(10, TimeUnit.SECONDS); // would never complete had the either-stage taken the relay
        assertEquals("exited", view.join());
    }
}
