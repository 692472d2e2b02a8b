package dev.jipc.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.IpcException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reactor of each test's own ({@link Reactor#start}), over each backend; what needs the shared
 * one ({@link Reactor#get}) is in {@link SharedReactorTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorTest {
    /** A pipe kept open for the class: a wait for its write end to be readable only wakes the loop. */
    private static final int[] WAKER = Posix.pipe();

    /** The test's reactor, shut down after it. */
    private Reactor reactor;

    private Reactor start(Backend backend) {
        reactor = Reactor.start(backend);
        assertEquals(backend, reactor.backend());
        return reactor;
    }

    @AfterEach
    void shutDown() throws InterruptedException {
        if (reactor != null) {
            reactor.shutDown();
        }
    }

    static void writeByte(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(1, Posix.write(new CallState(), fd, arena.allocate(1), 1));
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readinessCompletesTheWaiter(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> ready = r.await(fds[0], Posix.POLLIN);
            Thread.sleep(20);
            assertFalse(ready.isDone());
            writeByte(fds[1]);
            assertTrue((ready.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void writableEndIsReadyForPollout(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        try {
            int revents = r.await(fds[1], Posix.POLLOUT).get(10, TimeUnit.SECONDS);
            assertTrue((revents & Posix.POLLOUT) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void peerCloseWakesWithHangup(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> ready = r.await(fds[0], Posix.POLLIN);
            Posix.close(fds[1]);
            assertTrue((ready.get(10, TimeUnit.SECONDS) & Posix.POLLHUP) != 0);
        } finally {
            Posix.close(fds[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgetWakesEveryWaiterOfTheFd(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> a = r.await(fds[0], Posix.POLLIN);
            CompletableFuture<Integer> b = r.await(fds[0], Posix.POLLIN);
            r.forget(fds[0]);
            assertEquals((int) Posix.POLLNVAL, a.get(10, TimeUnit.SECONDS));
            assertEquals((int) Posix.POLLNVAL, b.get(10, TimeUnit.SECONDS));
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    /**
     * epoll drops a closed fd silently: forgetLater before the close is what completes its
     * waiters (poll(2) would see POLLNVAL by itself), at the loop's next wake-up.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void forgetLaterBeforeACloseCompletesTheWaitersAtTheNextWakeUp(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        int[] wake = Posix.pipe(); // before the close: a pipe made after it could reuse the number
        try {
            CompletableFuture<Integer> waiter = r.await(fds[0], Posix.POLLIN);
            assertAwaitStillCompletes(r); // a round trip: the loop waits on fds[0] now
            r.forgetLater(fds[0]);
            Posix.close(fds[0]);
            writeByte(wake[1]);
            assertTrue((r.await(wake[0], Posix.POLLIN).get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
            assertTrue((waiter.get(10, TimeUnit.SECONDS) & Posix.POLLNVAL) != 0);
        } finally {
            Posix.close(fds[1]);
            Posix.close(wake[0]);
            Posix.close(wake[1]);
        }
    }

    /** A number closed under its waiters and reused: the new file's waiters are served. */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void aNumberClosedUnderItsWaitersAndReusedServesTheNewFilesWaiters(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] old = Posix.pipe();
        List<int[]> opened = new ArrayList<>();
        try {
            CompletableFuture<Integer> stale = r.await(old[0], Posix.POLLIN);
            assertAwaitStillCompletes(r); // a round trip: the loop waits on old[0] now
            Posix.close(old[0]);
            int[] reused = TestSupport.reopen(old[0], Posix::pipe, opened);
            CompletableFuture<Integer> fresh = r.await(reused[0], Posix.POLLIN);
            assertAwaitStillCompletes(r);
            assertFalse(fresh.isDone(), "the new pipe is empty");
            writeByte(reused[1]);
            assertTrue((fresh.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
            stale.cancel(false); // poll(2) told it POLLNVAL or the new pipe's POLLIN; epoll, nothing
        } finally {
            Posix.close(old[1]);
            for (int[] fds : opened) {
                Posix.close(fds[0]);
                Posix.close(fds[1]);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void cancelledWaiterIsNotCompletedAndOthersStillAre(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        try {
            CompletableFuture<Integer> cancelled = r.await(fds[0], Posix.POLLIN);
            CompletableFuture<Integer> kept = r.await(fds[0], Posix.POLLIN);
            cancelled.cancel(false);
            writeByte(fds[1]);
            assertNotEquals(0, kept.get(10, TimeUnit.SECONDS));
            assertTrue(cancelled.isCancelled());
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void manyFdsAtOnce(Backend backend) throws Exception {
        Reactor r = start(backend);
        List<int[]> pipes = new ArrayList<>();
        List<CompletableFuture<Integer>> waiters = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) { // beyond the initial poll set capacity
                int[] fds = Posix.pipe();
                pipes.add(fds);
                waiters.add(r.await(fds[0], Posix.POLLIN));
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

    @ParameterizedTest
    @EnumSource(Backend.class)
    void laterTasksRunOnTheLoopThreadInBatches(Backend backend) throws Exception {
        Reactor r = start(backend);
        int tasks = 200;
        CountDownLatch ran = new CountDownLatch(tasks);
        Set<String> threads = ConcurrentHashMap.newKeySet();
        Set<Boolean> inLoop = ConcurrentHashMap.newKeySet();
        List<Thread> submitters = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            submitters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < tasks / 4; i++) {
                    r.later(() -> {
                        threads.add(Thread.currentThread().getName());
                        inLoop.add(r.inLoop());
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
        assertEquals(Set.of(true), inLoop, "on this reactor's loop thread");
        // A task queued after a batch ran starts the next one.
        CompletableFuture<Boolean> again = new CompletableFuture<>();
        r.later(() -> again.complete(true));
        assertTrue(again.get(10, TimeUnit.SECONDS));
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void readinessOfAClosedFdIsReported(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] fds = Posix.pipe();
        Posix.close(fds[0]);
        Posix.close(fds[1]);
        int revents = r.await(fds[0], Posix.POLLIN).get(10, TimeUnit.SECONDS);
        assertTrue((revents & Posix.POLLNVAL) != 0);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aLaterTaskThatThrowsDoesNotStopTheLoop(Backend backend) throws Exception {
        Reactor r = start(backend);
        CompletableFuture<Boolean> next = new CompletableFuture<>();
        r.later(() -> {
            throw new IllegalStateException("expected by the test: a failing task");
        });
        r.later(() -> next.complete(true)); // same batch, after the failing one
        assertTrue(next.get(10, TimeUnit.SECONDS));
        assertAwaitStillCompletes(r);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailedPollFailsThePendingWaitsWithTheErrnoAndTheLoopGoesOn(Backend backend) throws Exception {
        Reactor r = start(backend);
        int[] idle = Posix.pipe();
        try {
            CompletableFuture<Integer> pending = r.await(idle[0], Posix.POLLIN);
            assertAwaitStillCompletes(r); // a round trip: the loop has applied the request above
            try (var fault = FaultInjection.inject(backend.waitCall(), Libc.ENOMEM(), 1)) {
                wakeTheLoop(r);
                ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
                assertInstanceOf(IpcException.class, e.getCause());
                assertTrue(e.getCause().getMessage().contains(backend.waitCall() + ": ENOMEM"), e.getCause().getMessage());
            }
            assertAwaitStillCompletes(r);
            assertPolledAgain(r, idle); // the failed fd, asked anew
        } finally {
            Posix.close(idle[0]);
            Posix.close(idle[1]);
        }
    }

    /** An edit of the epoll set that fails is an iteration that fails, as a failed wait is. */
    @Test
    void aFailedEpollCtlFailsThePendingWaitsWithTheErrnoAndTheLoopGoesOn() throws Exception {
        Reactor r = start(Backend.EPOLL);
        int[] idle = Posix.pipe();
        try {
            CompletableFuture<Integer> pending = r.await(idle[0], Posix.POLLIN);
            assertAwaitStillCompletes(r);
            settle(r); // the round trip's removal made, so the fault is the next add's
            CompletableFuture<Integer> refused;
            try (var fault = FaultInjection.inject("epoll_ctl", Libc.ENOSPC(), 1)) {
                refused = r.await(WAKER[1], Posix.POLLIN);
                ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
                assertTrue(e.getCause().getMessage().contains("epoll_ctl(ADD, " + WAKER[1] + "): ENOSPC"),
                        e.getCause().getMessage());
            }
            assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
            assertAwaitStillCompletes(r);
            assertPolledAgain(r, idle);
        } finally {
            Posix.close(idle[0]);
            Posix.close(idle[1]);
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aFailedPollIsLoggedAsAnErrorAndTheRecoveryAsInfo(Backend backend) throws Exception {
        Reactor r = start(backend);
        try (LogCapture log = new LogCapture()) {
            assertAwaitStillCompletes(r);
            try (var fault = FaultInjection.inject(backend.waitCall(), Libc.ENOMEM(), 1)) {
                wakeTheLoop(r);
                awaitLogged(log, "jipc's reactor failed (1 in a row) and goes on");
            }
            assertAwaitStillCompletes(r); // the next iteration that goes well says so
            awaitLogged(log, "jipc's reactor works again after 1 failed iterations");
            List<LogRecord> failed = log.containing("jipc's reactor failed (1 in a row) and goes on");
            assertEquals(1, failed.size(), log.records().toString());
            assertEquals(Level.SEVERE, failed.getFirst().getLevel()); // System.Logger's ERROR
            assertTrue(failed.getFirst().getThrown().getMessage().contains(backend.waitCall() + ": ENOMEM"));
            assertEquals(Level.INFO, log.containing("works again").getFirst().getLevel());
        }
    }

    /** Waits for a record containing {@code text}: the loop logs on its own thread. */
    static void awaitLogged(LogCapture log, String text) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.containing(text).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never logged: " + text + "; logged: " + log.records());
            }
            Thread.sleep(1);
        }
    }

    /** Makes the loop poll again, here into a failing poll. */
    static void wakeTheLoop(Reactor r) {
        r.await(WAKER[1], Posix.POLLIN).cancel(false);
    }

    /** A new wait on {@code fds}, whose earlier wait the loop failed, completes when it is written. */
    private static void assertPolledAgain(Reactor r, int[] fds) throws Exception {
        CompletableFuture<Integer> again = r.await(fds[0], Posix.POLLIN);
        writeByte(fds[1]);
        assertTrue((again.get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
    }

    /** A fresh wait on a readable pipe completes: the loop runs. */
    static void assertAwaitStillCompletes(Reactor r) throws Exception {
        int[] fds = Posix.pipe();
        try {
            writeByte(fds[1]);
            assertTrue((r.await(fds[0], Posix.POLLIN).get(10, TimeUnit.SECONDS) & Posix.POLLIN) != 0);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    /** Returns once the loop has finished the iteration it was in: a later task runs at the top of one. */
    private static void settle(Reactor r) throws Exception {
        CompletableFuture<Boolean> ran = new CompletableFuture<>();
        r.later(() -> ran.complete(true));
        assertTrue(ran.get(10, TimeUnit.SECONDS));
    }

}
