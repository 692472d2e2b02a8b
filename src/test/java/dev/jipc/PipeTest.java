package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.LogCapture;
import dev.jipc.testing.TestSupport;
import dev.jipc.internal.pipe.ReaderHandle;
import dev.jipc.internal.pipe.WriterHandle;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeTest {

    @Test
    void messagesArriveInOrder() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            for (int i = 0; i < 100; i++) {
                pipe.writer().put(i);
            }
            for (int i = 0; i < 100; i++) {
                assertEquals(i, pipe.reader().get());
            }
        }
    }

    @Test
    void nullTravelsWithFory() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.writer().put(null);
            pipe.writer().put("after");
            assertNull(pipe.reader().get());
            assertEquals("after", pipe.reader().get());
        }
    }

    @Test
    void duplexCarriesBothWays() throws Exception {
        try (DuplexPipe<String> pipe = Jipc.duplexPipe()) {
            pipe.first().put("to second");
            pipe.second().put("to first");
            assertEquals("to second", pipe.second().get());
            assertEquals("to first", pipe.first().get());
        }
    }

    @Test
    void getAsyncFuturesCompleteInTheOrderAsked() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            List<CompletableFuture<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(pipe.reader().getAsync());
            }
            List<Integer> completionOrder = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < futures.size(); i++) {
                int asked = i;
                futures.get(i).thenRun(() -> completionOrder.add(asked));
            }
            for (int i = 0; i < 200; i++) {
                pipe.writer().put(i);
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS));
            }
            for (int i = 0; i < 200; i++) {
                assertEquals(i, completionOrder.get(i));
            }
        }
    }

    @Test
    void putAsyncFromOneThreadKeepsCallOrder() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                sent.add(pipe.writer().putAsync(i));
            }
            for (int i = 0; i < 500; i++) {
                assertEquals(i, pipe.reader().get());
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void timeoutExpiresAndTheMessageThatComesJustAfterIsNotLost() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            long start = System.nanoTime();
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(100)));
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100));
            pipe.writer().put("late");
            assertEquals("late", pipe.reader().get(Duration.ofSeconds(10)));
        }
    }

    @Test
    void timeoutRacingArrivalsNeverLosesOrDuplicates() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            int count = 300;
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        pipe.writer().put(i);
                        if (i % 7 == 0) {
                            Thread.sleep(1);
                        }
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            int next = 0;
            int timeouts = 0;
            while (next < count) {
                try {
                    assertEquals(next, pipe.reader().get(Duration.ofNanos(200_000)));
                    next++;
                } catch (TimeoutException e) {
                    timeouts++;
                }
            }
            writer.join();
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(50)));
            assertTrue(timeouts > 0, "the race was never exercised");
        }
    }

    @Test
    void closeWakesABlockedGet() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<Throwable> outcome = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());
            pipe.reader().close();
            assertInstanceOf(HandleClosedException.class, outcome.get(10, TimeUnit.SECONDS));
            assertTrue(pipe.reader().isClosed());
        }
    }

    @Test
    void pipeCloseWakesBlockedGetWithHandleClosedNotPeerClosed() throws Exception {
        Pipe<String> pipe = Jipc.pipe();
        CompletableFuture<Throwable> outcome = TestSupport.blocked(Thread.ofPlatform(), () -> pipe.reader().get());
        pipe.close();
        assertInstanceOf(HandleClosedException.class, outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void closeFailsPendingAsyncGets() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<String> a = pipe.reader().getAsync();
            CompletableFuture<String> b = pipe.reader().getAsync();
            pipe.reader().close();
            for (CompletableFuture<String> f : List.of(a, b)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertInstanceOf(HandleClosedException.class, e.getCause());
            }
        }
    }

    @Test
    void asyncCallsOnAClosedHandleReturnFailedFutures() {
        Pipe<String> pipe = Jipc.pipe();
        pipe.close();
        CompletableFuture<String> get = pipe.reader().getAsync();
        CompletableFuture<Void> put = pipe.writer().putAsync("x");
        assertTrue(get.isCompletedExceptionally());
        assertTrue(put.isCompletedExceptionally());
        assertThrows(HandleClosedException.class, () -> pipe.reader().get());
        assertThrows(HandleClosedException.class, () -> pipe.writer().put("x"));
        pipe.close(); // idempotent
    }

    @Test
    void peerCloseEndsGetAfterQueuedMessages() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.writer().put("one");
            pipe.writer().put("two");
            pipe.writer().close();
            assertEquals("one", pipe.reader().get());
            assertEquals("two", pipe.reader().get());
            assertThrows(PeerClosedException.class, () -> pipe.reader().get());
            assertThrows(PeerClosedException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void peerCloseWakesABlockedGet() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<Throwable> outcome = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());
            pipe.writer().close();
            assertInstanceOf(PeerClosedException.class, outcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void putToAClosedReaderIsPeerClosedNotSigpipe() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.reader().close();
            assertThrows(PeerClosedException.class, () -> pipe.writer().put("nobody listens"));
        }
    }

    @Test
    void putBlockedOnAFullPipeWakesWhenTheReaderCloses() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            CompletableFuture<Throwable> outcome = // more than the pipe holds: the put blocks
                    TestSupport.blocked(Thread.ofVirtual(), () -> pipe.writer().put(new byte[4 * 1024 * 1024]));
            pipe.reader().close();
            assertInstanceOf(PeerClosedException.class, outcome.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void interruptedBeforeGetThrowsAndLosesNothing() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.writer().put("kept");
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> pipe.reader().get());
            assertFalse(Thread.currentThread().isInterrupted());
            assertEquals("kept", pipe.reader().get());
        }
    }

    @Test
    void interruptedBeforePutSendsNothing() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> pipe.writer().put("never"));
            pipe.writer().put("sent");
            assertEquals("sent", pipe.reader().get());
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(50)));
        }
    }

    @Test
    void putInterruptedMidMessageFinishesItAndKeepsTheInterrupt() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            byte[] big = new byte[2 << 20];
            new java.util.Random(3).nextBytes(big);
            CompletableFuture<Boolean> interruptedAfter = new CompletableFuture<>();
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    pipe.writer().put(big);
                    interruptedAfter.complete(Thread.currentThread().isInterrupted());
                } catch (Throwable t) {
                    interruptedAfter.completeExceptionally(t);
                }
            });
            TestSupport.awaitParked(writer); // the pipe is full: part of the frame is written
            writer.interrupt();
            Thread.sleep(20);
            org.junit.jupiter.api.Assertions.assertArrayEquals(big, pipe.reader().get(Duration.ofSeconds(10)));
            assertTrue(interruptedAfter.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void frameOverTheMaximumIsRefusedBeforeAnyByteIsWritten() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), 100)) {
            assertThrows(FrameTooLargeException.class, () -> pipe.writer().put(new byte[101]));
            assertTrue(pipe.writer().putAsync(new byte[101]).isCompletedExceptionally());
            pipe.writer().put(new byte[100]);
            assertEquals(100, pipe.reader().get().length);
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(50)));
        }
    }

    @Test
    void invalidMaximumIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Jipc.pipe(Codec.raw(), 0));
        assertThrows(IllegalArgumentException.class, () -> Jipc.duplexPipe(Codec.raw(), -1));
    }

    @Test
    void cancelledGetAsyncDoesNotSwallowAMessage() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<String> cancelled = pipe.reader().getAsync();
            Thread.sleep(20);
            cancelled.cancel(false);
            pipe.writer().put("still here");
            assertEquals("still here", pipe.reader().get(Duration.ofSeconds(10)));
        }
    }

    /**
     * A spin longer than the 10 s the tests below give an outcome: a wait that spins on where it
     * should end shows as a failed test, and frees its carrier soon after.
     */
    private static final PipeOptions LONG_SPIN = PipeOptions.defaults().withSpin(Duration.ofSeconds(20));

    /** Runs {@code call} on a new virtual thread, completing {@code outcome} with what it threw (null: nothing). */
    private static Thread start(CompletableFuture<Throwable> outcome, TestSupport.Call call) {
        return Thread.startVirtualThread(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
    }

    /** Waits until an operation holds the end, then a little more, so that it is spinning by now. */
    private static void awaitSpinning(java.util.function.BooleanSupplier busy) throws InterruptedException {
        while (!busy.getAsBoolean()) {
            Thread.sleep(1);
        }
        Thread.sleep(100);
    }

    @Test
    void getWithAnEndlessTimeoutReturnsAMessageAlreadyThere() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.writer().put("a");
            pipe.writer().put("b");
            assertEquals("a", pipe.reader().get(Duration.ofSeconds(Long.MAX_VALUE)));
            assertEquals("b", pipe.reader().get(ChronoUnit.FOREVER.getDuration()));
        }
    }

    @Test
    void getWithAnEndlessTimeoutWaitsForTheMessage() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread getter = Thread.startVirtualThread(() -> {
                try {
                    got.complete(pipe.reader().get(ChronoUnit.FOREVER.getDuration()));
                } catch (Throwable t) {
                    got.completeExceptionally(t);
                }
            });
            TestSupport.awaitParked(getter);
            pipe.writer().put("at last");
            assertEquals("at last", got.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void duplexGetWithAnEndlessTimeoutWaitsForever() throws Exception {
        try (DuplexPipe<String> pipe = Jipc.duplexPipe()) {
            pipe.first().put("x");
            assertEquals("x", pipe.second().get(Duration.ofSeconds(Long.MAX_VALUE)));
        }
    }

    @Test
    void getWithAZeroOrNegativeTimeoutReturnsAMessageAlreadyThere() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            pipe.writer().put("a");
            pipe.writer().put("b");
            pipe.writer().put("c");
            assertEquals("a", pipe.reader().get(Duration.ZERO));
            assertEquals("b", pipe.reader().get(Duration.ofNanos(-1)));
            assertEquals("c", pipe.reader().get(Duration.ofSeconds(Long.MIN_VALUE)));
        }
    }

    @Test
    void getWithAZeroOrNegativeTimeoutOnAnEmptyPipeTimesOutWithoutSpinning() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe(Codec.fory(), LONG_SPIN)) {
            for (Duration none : List.of(Duration.ZERO, Duration.ofSeconds(-5), Duration.ofSeconds(Long.MIN_VALUE))) {
                assertTimeoutPreemptively(Duration.ofSeconds(10),
                        () -> assertThrows(TimeoutException.class, () -> pipe.reader().get(none)), none.toString());
            }
            pipe.writer().put("still usable");
            assertEquals("still usable", pipe.reader().get(Duration.ZERO));
        }
    }

    @Test
    void pipeCloseFailsAPendingGetAsyncWithHandleClosedException() throws Exception {
        Pipe<String> pipe = Jipc.pipe(Codec.fory(), LONG_SPIN);
        CompletableFuture<String> pending = pipe.reader().getAsync();
        awaitSpinning(((ReaderHandle<String>) pipe.reader())::isBusy);
        pipe.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertInstanceOf(HandleClosedException.class, e.getCause());
    }

    @Test
    void duplexPipeCloseFailsPendingGetAsyncsWithHandleClosedException() throws Exception {
        for (PipeOptions options : List.of(PipeOptions.defaults(), LONG_SPIN)) {
            DuplexPipe<String> pipe = Jipc.duplexPipe(Codec.fory(), options);
            CompletableFuture<String> atFirst = pipe.first().getAsync();
            CompletableFuture<String> atSecond = pipe.second().getAsync();
            Thread.sleep(100); // both waiting on their pipes
            pipe.close();
            for (CompletableFuture<String> f : List.of(atFirst, atSecond)) {
                ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
                assertInstanceOf(HandleClosedException.class, e.getCause(), options.toString());
            }
        }
    }

    @Test
    void pipeCloseWakesASpinningGetWithHandleClosedException() throws Exception {
        Pipe<String> pipe = Jipc.pipe(Codec.fory(), LONG_SPIN);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        start(outcome, () -> pipe.reader().get());
        awaitSpinning(((ReaderHandle<String>) pipe.reader())::isBusy);
        pipe.close();
        assertInstanceOf(HandleClosedException.class, outcome.get(10, TimeUnit.SECONDS));
    }

    @Test
    void pipeCloseWakesABlockedPutWithHandleClosedException() throws Exception {
        for (PipeOptions options : List.of(PipeOptions.defaults(), LONG_SPIN)) {
            Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), options);
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            start(outcome, () -> pipe.writer().put(new byte[4 << 20])); // more than the pipe holds
            awaitSpinning(((WriterHandle<byte[]>) pipe.writer())::isBusy);
            pipe.close();
            assertInstanceOf(HandleClosedException.class, outcome.get(10, TimeUnit.SECONDS), options.toString());
        }
    }

    @Test
    void closeWakesAGetThatIsStillSpinning() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe(Codec.fory(), LONG_SPIN)) {
            CompletableFuture<String> pending = pipe.reader().getAsync();
            awaitSpinning(((ReaderHandle<String>) pipe.reader())::isBusy);
            pipe.reader().close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
            assertInstanceOf(HandleClosedException.class, e.getCause());
        }
    }

    @Test
    void interruptWakesAGetThatIsStillSpinning() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe(Codec.fory(), LONG_SPIN)) {
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread getter = start(outcome, () -> pipe.reader().get());
            awaitSpinning(((ReaderHandle<String>) pipe.reader())::isBusy);
            getter.interrupt();
            assertInstanceOf(InterruptedException.class, outcome.get(10, TimeUnit.SECONDS));
            pipe.writer().put("nothing lost");
            assertEquals("nothing lost", pipe.reader().get(Duration.ZERO));
        }
    }

    /** jipc logs only what an operator must see: messages, waits and the ends of pipes are not that. */
    @Test
    void messagesWaitsAndClosesLogNothing() throws Exception {
        try (LogCapture log = new LogCapture()) {
            try (Pipe<String> pipe = Jipc.pipe()) {
                for (int i = 0; i < 100; i++) {
                    CompletableFuture<String> got = pipe.reader().getAsync(); // waits, parked or spinning
                    pipe.writer().put("m" + i);
                    assertEquals("m" + i, got.get());
                }
                CompletableFuture<Throwable> blocked = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());
                pipe.writer().close();
                assertInstanceOf(PeerClosedException.class, blocked.get());
            }
            assertEquals(List.of(), log.records().stream().map(r -> r.getLevel() + " " + r.getMessage()).toList());
        }
    }
}
