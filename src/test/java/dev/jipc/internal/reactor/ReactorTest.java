package dev.jipc.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.IpcException;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.internal.posix.Posix;
import dev.jipc.testing.LogCapture;
import dev.jipc.testing.TestSupport;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorTest {
    /** A pipe kept open for the class: a wait for its write end to be readable only wakes the loop. */
    private static final int[] WAKER = Posix.pipe();

    private static void writeByte(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(1, Posix.write(new CallState(), fd, arena.allocate(1), 1));
        }
    }

    @Test
    void readinessCompletesTheWaiter() throws Exception {
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> ready = Reactor.get().await(fds[0], Posix.POLLIN);
            Thread.sleep(20);
            assertFalse(ready.isDone());
            writeByte(fds[1]);
            assertTrue((ready.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void writableEndIsReadyForPollout() throws Exception {
        int[] fds = Posix.pipe();
        try {
            int revents = Reactor.get().await(fds[1], Posix.POLLOUT).get(10, TimeUnit.SECONDS);
            assertTrue((revents & Posix.POLLOUT) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void peerCloseWakesWithHangup() throws Exception {
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> ready = Reactor.get().await(fds[0], Posix.POLLIN);
            Posix.close(fds[1]);
            assertTrue((ready.get(10, TimeUnit.SECONDS) & Posix.POLLHUP) != 0);
        } finally {
            Posix.close(fds[0]);
        }
    }

    @Test
    void forgetWakesEveryWaiterOfTheFd() throws Exception {
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> a = Reactor.get().await(fds[0], Posix.POLLIN);
            CompletableFuture<Integer> b = Reactor.get().await(fds[0], Posix.POLLIN);
            Reactor.get().forget(fds[0]);
            assertEquals((int) Posix.POLLNVAL, a.get(10, TimeUnit.SECONDS));
            assertEquals((int) Posix.POLLNVAL, b.get(10, TimeUnit.SECONDS));
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void cancelledWaiterIsNotCompletedAndOthersStillAre() throws Exception {
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> cancelled = Reactor.get().await(fds[0], Posix.POLLIN);
            CompletableFuture<Integer> kept = Reactor.get().await(fds[0], Posix.POLLIN);
            cancelled.cancel(false);
            writeByte(fds[1]);
            assertNotEquals(0, kept.get(10, TimeUnit.SECONDS));
            assertTrue(cancelled.isCancelled());
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void manyFdsAtOnce() throws Exception {
        List<int[]> pipes = new ArrayList<>();
        List<CompletableFuture<Integer>> waiters = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) { // beyond the initial poll set capacity
                int[] fds = Posix.pipe();
                pipes.add(fds);
                waiters.add(Reactor.get().await(fds[0], Posix.POLLIN));
            }
            for (int i = pipes.size() - 1; i >= 0; i--) {
                writeByte(pipes.get(i)[1]);
            }
            for (CompletableFuture<Integer> w : waiters) {
                assertTrue((w.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
            }
        } finally {
            for (int[] fds : pipes) {
                Posix.close(fds[0]);
                Posix.close(fds[1]);
            }
        }
    }

    @Test
    void theLoopRunsOnOneDaemonThreadNamedJipcReactor() {
        Reactor.get();
        List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jipc-reactor")).toList();
        assertEquals(1, loops.size());
        assertTrue(loops.get(0).isDaemon());
    }

    @Test
    void laterTasksRunOnTheLoopThreadInBatches() throws Exception {
        int tasks = 200;
        CountDownLatch ran = new CountDownLatch(tasks);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < tasks / 4; i++) {
                    Reactor.get().later(() -> {
                        threads.add(Thread.currentThread().getName());
                        ran.countDown();
                    });
                }
            }));
        }
        for (Thread t : submitters) {
            t.join();
        }
        assertTrue(ran.await(10, TimeUnit.SECONDS), ran.getCount() + " later tasks never ran");
        assertEquals(Set.of("jipc-reactor"), threads);
        // A task queued after a batch ran starts the next one.
        CompletableFuture<Boolean> again = new CompletableFuture<>();
        Reactor.get().later(() -> again.complete(true));
        assertTrue(again.get(10, TimeUnit.SECONDS));
    }

    @Test
    void readinessOfAClosedFdIsReported() throws Exception {
        int[] fds = Posix.pipe();
        Posix.close(fds[0]);
        Posix.close(fds[1]);
        int revents = Reactor.get().await(fds[0], Posix.POLLIN).get(10, TimeUnit.SECONDS);
        assertTrue((revents & Posix.POLLNVAL) != 0);
    }

    @Test
    void aLaterTaskThatThrowsDoesNotStopTheLoop() throws Exception {
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        Reactor.get().later(() -> {
            throw new IllegalStateException("expected by the test: a failing task");
        });
        Reactor.get().later(() -> next.complete(true)); // same batch, after the failing one
        assertTrue(next.get(10, TimeUnit.SECONDS));
        assertAwaitStillCompletes();
    }

    @Test
    void aFailedPollFailsThePendingWaitsWithTheErrnoAndTheLoopGoesOn() throws Exception {
        int[] idle = Posix.pipe();
        try {
            CompletableFuture<Integer> pending = Reactor.get().await(idle[0], Posix.POLLIN);
            assertAwaitStillCompletes(); // a round trip: the loop has applied the request above
            try (var fault = FaultInjection.inject("poll", Libc.ENOMEM(), 1)) {
                wakeTheLoop();
                ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IpcException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains("poll: ENOMEM"), e.getCause().getMessage());
            }
            assertAwaitStillCompletes();
            // The failed fd is polled again when asked anew.
            CompletableFuture<Integer> again = Reactor.get().await(idle[0], Posix.POLLIN);
            writeByte(idle[1]);
            assertTrue((again.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
        } finally {
            Posix.close(idle[0]);
            Posix.close(idle[1]);
        }
    }

    @Test
    void aGetBlockedWhenThePollFailsThrowsTheReactorsIpcExceptionAndThePipeStillWorks() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<Throwable> blocked = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());
            assertAwaitStillCompletes(); // a round trip: the loop polls the blocked reader's fd
            try (var fault = FaultInjection.inject("poll", Libc.ENOMEM(), 1)) {
                wakeTheLoop();
                Throwable e = blocked.get(10, TimeUnit.SECONDS);
                assertInstanceOf(IpcException.class, e);
                assertTrue(e.getMessage().contains("poll: ENOMEM"), e.getMessage());
                TestSupport.assertNoInternalTypeInChain(e);
            }
            pipe.writer().put("after");
            assertEquals("after", pipe.reader().get());
        }
    }

    @Test
    void aFailedPollIsLoggedAsAnErrorAndTheRecoveryAsInfo() throws Exception {
        try (LogCapture log = new LogCapture()) {
            assertAwaitStillCompletes();
            try (var fault = FaultInjection.inject("poll", Libc.ENOMEM(), 1)) {
                wakeTheLoop();
                awaitLogged(log, "jipc's reactor failed (1 in a row) and goes on");
            }
            assertAwaitStillCompletes(); // the next iteration that goes well says so
            awaitLogged(log, "jipc's reactor works again after 1 failed iterations");
            List<LogRecord> failed = log.containing("jipc's reactor failed (1 in a row) and goes on");
            assertEquals(1, failed.size(), log.records().toString());
            assertEquals(Level.SEVERE, failed.getFirst().getLevel()); // System.Logger's ERROR
            assertTrue(failed.getFirst().getThrown().getMessage().contains("poll: ENOMEM"));
            assertEquals(Level.INFO, log.containing("works again").getFirst().getLevel());
        }
    }

    /** Waits for a record containing {@code text}: the loop logs on its own thread. */
    private static void awaitLogged(LogCapture log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.containing(text).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never logged: " + text + "; logged: " + log.records());
            }
            Thread.sleep(1);
        }
    }

    /** Makes the loop poll again, here into a failing poll. */
    private static void wakeTheLoop() {
        Reactor.get().await(WAKER[1], Posix.POLLIN).cancel(false);
    }

    /** A fresh wait on a readable pipe completes: the loop runs. */
    private static void assertAwaitStillCompletes() throws Exception {
        int[] fds = Posix.pipe();
        try {
            writeByte(fds[1]);
            assertTrue((Reactor.get().await(fds[0], Posix.POLLIN).get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    /**
     * HotSpot's exit waits 300 ms for threads in a native call: an idle reactor must be out of
     * poll(2) once the exit hooks have run, and a request made after that still served.
     */
    @Test
    void anIdleReactorEndsAtExitAndALaterRequestStartsAnother() throws Exception {
        try (Pipe<Boolean> report = Jipc.pipe()) {
            dev.jipc.PipeWriter<Boolean> out = report.writer();
            dev.jipc.ChildProcess child = Jipc.startProcess(() -> { // in a JVM of its own: exit state is global
                try (Pipe<byte[]> p = Jipc.pipe(dev.jipc.Codec.raw())) {
                    CompletableFuture<byte[]> parked = p.reader().getAsync(); // the reactor now polls
                    Thread.sleep(50);
                    p.writer().put(new byte[1]);
                    parked.join();
                    Reactor.stopForExit();
                    boolean ended = Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().equals("jipc-reactor") && t.isAlive());
                    CompletableFuture<byte[]> again = p.reader().getAsync();
                    Thread.sleep(50);
                    p.writer().put(new byte[2]);
                    out.put(ended && again.get(10, TimeUnit.SECONDS).length == 2);
                }
            });
            assertTrue(report.reader().get(), "the idle reactor was still in poll(2), or a later request hung");
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        }
    }
}
