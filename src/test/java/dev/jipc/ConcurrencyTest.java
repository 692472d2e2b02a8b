package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ConcurrencyTest {

    /** A message that names its writer and sequence number and carries a checkable body. */
    private static byte[] message(int writer, int seq) {
        int bodyLength = (writer * 31 + seq * 17) % 3000; // mixed sizes, some spanning reads
        ByteBuffer b = ByteBuffer.allocate(8 + bodyLength);
        b.putInt(writer).putInt(seq);
        for (int i = 0; i < bodyLength; i++) {
            b.put((byte) (writer ^ seq ^ i));
        }
        return b.array();
    }

    @Test
    void sixteenWritersFourReadersEveryMessageWholeAndExactlyOnce() throws Exception {
        int writers = 16;
        int readers = 4;
        int perWriter = 2_000;
        int total = writers * perWriter;
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
            AtomicInteger received = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int r = 0; r < readers; r++) {
                threads.add(Thread.startVirtualThread(() -> {
                    try {
                        while (received.get() < total) {
                            byte[] m;
                            try {
                                m = pipe.reader().get(java.time.Duration.ofMillis(200));
                            } catch (java.util.concurrent.TimeoutException e) {
                                continue;
                            }
                            ByteBuffer b = ByteBuffer.wrap(m);
                            int w = b.getInt();
                            int seq = b.getInt();
                            assertArrayEquals(message(w, seq), m, "message damaged");
                            assertEquals(null, seen.put(((long) w << 32) | seq, true), "message duplicated");
                            received.incrementAndGet();
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (int w = 0; w < writers; w++) {
                int writer = w;
                threads.add(Thread.startVirtualThread(() -> {
                    try {
                        for (int seq = 0; seq < perWriter; seq++) {
                            pipe.writer().put(message(writer, seq));
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(total, seen.size());
        }
    }

    @Test
    void perWriterOrderIsKeptUnderConcurrency() throws Exception {
        try (Pipe<int[]> pipe = Jipc.pipe(Codec.fory())) {
            int writers = 8;
            int perWriter = 1_000;
            for (int w = 0; w < writers; w++) {
                int writer = w;
                Thread.startVirtualThread(() -> {
                    try {
                        for (int seq = 0; seq < perWriter; seq++) {
                            pipe.writer().put(new int[] {writer, seq});
                        }
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                });
            }
            int[] next = new int[writers];
            for (int i = 0; i < writers * perWriter; i++) {
                int[] m = pipe.reader().get();
                assertEquals(next[m[0]]++, m[1]);
            }
        }
    }

    @Test
    void aThousandBlockedGettersHoldNoCarrier() throws Exception {
        assertEquals("2", System.getProperty("jdk.virtualThreadScheduler.parallelism"),
                "the build runs tests with two carriers; this test is about that case");
        int count = 1_000;
        List<Pipe<Integer>> pipes = new ArrayList<>();
        List<Thread> getters = new ArrayList<>();
        ConcurrentHashMap<Integer, Integer> got = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < count; i++) {
                Pipe<Integer> pipe = Jipc.pipe();
                pipes.add(pipe);
                int index = i;
                getters.add(Thread.startVirtualThread(() -> {
                    try {
                        got.put(index, pipe.reader().get());
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }));
            }
            for (Thread t : getters.subList(count - 10, count)) {
                TestSupport.awaitParked(t);
            }
            // With every getter blocked, a virtual thread still gets a carrier and finishes work.
            CompletableFuture<Long> work = new CompletableFuture<>();
            Thread.startVirtualThread(() -> {
                long sum = 0;
                for (int i = 0; i < 1_000_000; i++) {
                    sum += i;
                }
                work.complete(sum);
            });
            assertEquals(499_999_500_000L, work.get(30, TimeUnit.SECONDS));
            long parked = getters.stream().filter(t -> t.getState() == Thread.State.WAITING).count();
            assertEquals(count, parked, "every getter is still blocked");
            for (int i = 0; i < count; i++) {
                pipes.get(i).writer().put(i);
            }
            for (Thread t : getters) {
                t.join();
            }
            assertEquals(count, got.size());
            got.forEach((k, v) -> assertEquals(k, v));
        } finally {
            pipes.forEach(Pipe::close);
        }
    }

    @Test
    void platformThreadsBlockAndWakeToo() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CountDownLatch done = new CountDownLatch(1);
            CompletableFuture<String> got = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    got.complete(pipe.reader().get());
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
                done.countDown();
            });
            TestSupport.awaitParked(t);
            pipe.writer().put("hi");
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("hi", got.get());
        }
    }
}
