package dev.jipc.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
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
}
