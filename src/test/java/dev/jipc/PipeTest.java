package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.time.Duration;
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
}
