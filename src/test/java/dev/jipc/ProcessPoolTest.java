package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ProcessPoolTest {
    /** Workers that train briefly: these tests check behaviour, not speed. */
    private static final ChildOptions QUICK = ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0.02");
    private static final SerializableCallable<Long> PID = () -> ProcessHandle.current().pid();

    @TempDir
    Path dir;

    /** @return the exception a future failed with */
    private static Throwable failure(CompletableFuture<?> f) throws InterruptedException {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(120, TimeUnit.SECONDS));
        return e.getCause();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(120, TimeUnit.SECONDS);
    }

    /** A task that records its pid in {@code file}, then sleeps for good. */
    private static SerializableCallable<Object> sleeper(Path file) {
        String path = file.toString();
        return () -> {
            Files.writeString(Path.of(path + ".tmp"), Long.toString(ProcessHandle.current().pid()));
            Files.move(Path.of(path + ".tmp"), Path.of(path));
            Thread.sleep(600_000);
            return null;
        };
    }

    /** Waits until the task given {@code file} has started, and returns its worker's pid. */
    private static long started(Path file) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(file)) {
            assertTrue(System.nanoTime() < deadline, "the task never started");
            Thread.sleep(5);
        }
        return Long.parseLong(Files.readString(file));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitDead(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static List<CompletableFuture<Integer>> squares(ProcessPool pool, int from, int to) {
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        for (int i = from; i < to; i++) {
            int n = i;
            futures.add(pool.submit(() -> n * n));
        }
        return futures;
    }

    /** The worker {@code pid} is gone, the tasks around its task succeeded, and later ones do too. */
    private static void assertKilledAndThePoolGoesOn(ProcessPool pool, long pid, String ifAlive,
            List<CompletableFuture<Integer>> around) throws Exception {
        awaitDead(pid);
        assertFalse(alive(pid), ifAlive);
        assertSquares(around, 0);
        assertSquares(squares(pool, 100, 200), 100);
    }

    private static void assertSquares(List<CompletableFuture<Integer>> futures, int from) throws Exception {
        for (int i = 0; i < futures.size(); i++) {
            assertEquals((from + i) * (from + i), get(futures.get(i)));
        }
    }

    @Test
    void tenThousandTasksAcrossTwoWorkersEachGetTheirOwnResult() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK)) {
            assertEquals(2, pool.workers());
            List<CompletableFuture<Integer>> futures = squares(pool, 0, 10_000);
            assertSquares(futures, 0);
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 200; i++) {
                pids.add(get(pool.submit(PID)));
            }
            assertTrue(pids.size() <= 2, "more than 2 workers ran tasks: " + pids);
            assertFalse(pids.contains(ProcessHandle.current().pid()));
        }
    }

    @Test
    void aTaskThatCallsSystemExitFailsOnlyItsOwnFutureWithChildDiedException() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK)) {
            List<CompletableFuture<Integer>> before = squares(pool, 0, 50);
            CompletableFuture<Object> exit = pool.submit(() -> {
                System.exit(3);
                return null;
            });
            List<CompletableFuture<Integer>> after = squares(pool, 50, 100);
            ChildDiedException died = assertInstanceOf(ChildDiedException.class, failure(exit));
            assertEquals(new ExitStatus.Exited(3), died.exitStatus());
            assertSquares(before, 0);
            assertSquares(after, 50);
        }
    }

    @Test
    void aWorkerKilledFromOutsideFailsOnlyItsTaskAndIsReplaced() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK)) {
            Path file = dir.resolve("pid");
            CompletableFuture<Object> victim = pool.submit(sleeper(file));
            List<CompletableFuture<Integer>> around = squares(pool, 0, 100);
            long pid = started(file);
            assertSquares(around, 0); // the other worker runs them meanwhile
            ProcessHandle.of(pid).orElseThrow().destroyForcibly(); // SIGKILL
            ChildDiedException died = assertInstanceOf(ChildDiedException.class, failure(victim));
            assertEquals(new ExitStatus.Signaled(9, false), died.exitStatus());
            assertSquares(squares(pool, 100, 200), 100);
            Set<Long> pids = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                pids.add(get(pool.submit(PID)));
            }
            assertFalse(pids.contains(pid));
        }
    }

    /** An exception that holds something that is not serializable. */
    static final class Unsendable extends RuntimeException {
        private final Object lock = new Object();

        Unsendable(String message) {
            super(message);
        }
    }

    @Test
    void aTaskThatThrowsAnUnserializableExceptionFailsWithItsStackTraceAndTheWorkerGoesOn() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            long pid = get(pool.submit(PID));
            CompletableFuture<Object> thrown = pool.submit(() -> {
                throw new Unsendable("held a lock");
            });
            CompletableFuture<Integer> next = pool.submit(() -> 7);
            TaskFailedException failed = assertInstanceOf(TaskFailedException.class, failure(thrown));
            assertNull(failed.getCause());
            assertTrue(failed.getMessage().contains("Unsendable: held a lock"), failed.getMessage());
            assertTrue(failed.getMessage().contains("ProcessPoolTest.lambda$"), failed.getMessage());
            assertTrue(failed.remoteStackTrace().contains("held a lock"));
            assertEquals(7, get(next));
            assertEquals(pid, get(pool.submit(PID)), "the worker was replaced");
        }
    }

    @Test
    void aTaskThatThrowsFailsWithTaskFailedExceptionCausedByTheRebuiltException() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            CompletableFuture<Object> thrown = pool.submit(() -> {
                throw new IllegalStateException("boom");
            });
            TaskFailedException failed = assertInstanceOf(TaskFailedException.class, failure(thrown));
            IllegalStateException cause = assertInstanceOf(IllegalStateException.class, failed.getCause());
            assertEquals("boom", cause.getMessage());
            assertTrue(failed.getMessage().contains("java.lang.IllegalStateException: boom"), failed.getMessage());
            assertEquals(1, get(pool.submit(() -> 1)));
        }
    }

    /** A result that cannot travel. */
    static final class Opaque {
    }

    @Test
    void aResultThatIsNotSerializableFailsWithCodecExceptionNamingItsClassAndTheWorkerGoesOn() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            long pid = get(pool.submit(PID));
            CompletableFuture<Opaque> opaque = pool.submit(Opaque::new);
            CompletableFuture<String> next = pool.submit(() -> "next");
            CodecException e = assertInstanceOf(CodecException.class, failure(opaque));
            assertTrue(e.getMessage().contains(Opaque.class.getName()), e.getMessage());
            assertEquals("next", get(next));
            assertEquals(pid, get(pool.submit(PID)), "the worker was replaced");
        }
    }

    @Test
    void cancelTrueOfATaskThatNeverReturnsKillsItsWorkerAndOnlyItsFutureFails() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK)) {
            Path file = dir.resolve("pid");
            CompletableFuture<Object> hung = pool.submit(sleeper(file));
            List<CompletableFuture<Integer>> around = squares(pool, 0, 100);
            long pid = started(file);
            assertFalse(hung.cancel(false), "cancel(false) cancelled a running task");
            assertFalse(hung.isDone());
            assertTrue(hung.cancel(true));
            assertTrue(hung.isCancelled());
            assertThrows(CancellationException.class, () -> hung.get(10, TimeUnit.SECONDS));
            assertKilledAndThePoolGoesOn(pool, pid, "cancel(true) left the worker running", around);
        }
    }

    @Test
    void cancelOfAQueuedTaskTakesItOffTheQueueAndItNeverRuns() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            Path file = dir.resolve("pid");
            CompletableFuture<Object> busy = pool.submit(sleeper(file));
            started(file);
            String marker = dir.resolve("ran").toString();
            CompletableFuture<Object> queued = pool.submit(() -> Files.writeString(Path.of(marker), "ran"));
            CompletableFuture<Integer> last = pool.submit(() -> 2);
            assertTrue(queued.cancel(false));
            assertTrue(queued.isCancelled());
            busy.cancel(true);
            assertEquals(2, get(last));
            assertFalse(Files.exists(Path.of(marker)), "a cancelled task ran");
        }
    }

    @Test
    void aTaskThatCapturesAPipeHandleIsRefusedWithIpcException() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK); Pipe<String> pipe = Jipc.pipe()) {
            PipeWriter<String> w = pipe.writer();
            CompletableFuture<Object> refused = pool.submit(() -> {
                w.put("x");
                return null;
            });
            IpcException e = assertInstanceOf(IpcException.class, failure(refused));
            assertTrue(e.getMessage().contains("startProcess"), e.getMessage());
            assertFalse(w.isClosed(), "a refused task closed the handle it captured");
            assertEquals(3, get(pool.submit(() -> 3)));
        }
    }

    @Test
    void aTaskThatCapturesSomethingUnserializableFailsAloneWithIpcException() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            Object unsendable = new Object();
            CompletableFuture<Object> refused = pool.submit(() -> unsendable);
            IpcException e = assertInstanceOf(IpcException.class, failure(refused));
            assertInstanceOf(NotSerializableException.class, e.getCause());
            assertEquals(3, get(pool.submit(() -> 3)));
        }
    }

    @Test
    void aFailingInitializerFailsQueuedAndLaterTasksFastInsteadOfRespawning() throws Exception {
        PoolOptions options = PoolOptions.defaults().withInitializer(() -> {
            throw new IllegalStateException("no licence");
        });
        try (ProcessPool pool = ProcessPool.create(2, QUICK, options)) {
            CompletableFuture<Integer> queued = pool.submit(() -> 1);
            IpcException e = assertInstanceOf(IpcException.class, failure(queued));
            assertTrue(e.getMessage().contains("initializer"), e.getMessage());
            assertTrue(e.getMessage().contains("no licence"), e.getMessage());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            CompletableFuture<Integer> later = pool.submit(() -> 2);
            assertTrue(later.isCompletedExceptionally(), "a task submitted to a broken pool was queued");
            pool.shutdown();
            assertTrue(pool.awaitTermination(Duration.ofSeconds(60)), "the broken pool's workers did not go");
        }
    }

    @Test
    void anInitializerRunsOnceInEveryWorkerBeforeItsFirstTask() throws Exception {
        PoolOptions options = PoolOptions.defaults().withInitializer(() -> System.setProperty("initialized", "yes"));
        try (ProcessPool pool = ProcessPool.create(2, QUICK, options)) {
            for (CompletableFuture<String> f : pool.submitAll(
                    IntStream.range(0, 50).mapToObj(i -> (SerializableCallable<String>) () -> System.getProperty("initialized")).toList())) {
                assertEquals("yes", get(f));
            }
        }
    }

    @Test
    void closeRunsTheQueuedTasksThenTheWorkersExitAndSubmitIsRejected() throws Exception {
        ProcessPool pool = ProcessPool.create(2, QUICK);
        List<CompletableFuture<Integer>> queued = squares(pool, 0, 500);
        Set<Long> pids = new HashSet<>();
        for (CompletableFuture<Long> f : pool.submitAll(List.of(PID, PID, PID, PID))) {
            f.thenAccept(pids::add);
        }
        pool.close();
        assertTrue(pool.isShutdown());
        assertTrue(pool.isTerminated());
        for (CompletableFuture<Integer> f : queued) {
            assertTrue(f.isDone(), "close() returned before a queued task ran");
        }
        assertSquares(queued, 0);
        assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> 1));
        for (long pid : pids) {
            assertFalse(alive(pid), "a worker outlived close()");
        }
        assertTrue(pool.awaitTermination(ChronoUnit.FOREVER.getDuration()));
        pool.close(); // idempotent
    }

    @Test
    void aTaskPastItsTimeoutFailsWithTimeoutExceptionAndItsWorkerIsReplaced() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK, PoolOptions.defaults().withTaskTimeout(Duration.ofMinutes(5)))) {
            Path file = dir.resolve("pid");
            CompletableFuture<Object> slow = pool.submit(sleeper(file), Duration.ofMillis(500));
            List<CompletableFuture<Integer>> around = squares(pool, 0, 100);
            long pid = started(file);
            assertInstanceOf(TimeoutException.class, failure(slow));
            assertKilledAndThePoolGoesOn(pool, pid, "the timed-out task's worker lives on", around);
        }
    }

    @Test
    void maxTasksPerWorkerRecyclesAWorkerAfterThatManyTasks() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK, PoolOptions.defaults().withMaxTasksPerWorker(3))) {
            List<Long> pids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                pids.add(get(pool.submit(PID)));
            }
            assertEquals(pids.get(0), pids.get(2));
            assertNotEquals(pids.get(2), pids.get(3));
            assertEquals(pids.get(3), pids.get(5));
            assertNotEquals(pids.get(5), pids.get(6));
        }
    }

    @Test
    void mapReturnsResultsInInputOrderAndFailsWithTheFirstFailure() throws Exception {
        try (ProcessPool pool = ProcessPool.create(2, QUICK)) {
            List<Integer> inputs = IntStream.range(0, 1_000).boxed().toList();
            List<Integer> doubled = get(pool.map(x -> x * 2, inputs));
            assertEquals(inputs.stream().map(x -> x * 2).toList(), doubled);
            assertEquals(List.of(), get(pool.map(x -> x, List.of())));
            CompletableFuture<List<Integer>> failing = pool.map(x -> 10 / (x - 5), inputs);
            TaskFailedException e = assertInstanceOf(TaskFailedException.class, failure(failing));
            assertInstanceOf(ArithmeticException.class, e.getCause());
        }
    }

    @Test
    void aCallbackThatBlocksOnALaterTaskOfTheSameWorkerDoesNotStallThePool() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            CompletableFuture<Integer> first = pool.submit(() -> 1);
            CompletableFuture<Integer> second = pool.submit(() -> 2);
            CompletableFuture<Integer> both = first.thenApply(one -> one + second.join());
            assertEquals(3, get(both));
        }
    }

    @Test
    void shutdownNowCancelsQueuedAndRunningTasksAndKillsTheWorkers() throws Exception {
        ProcessPool pool = ProcessPool.create(1, QUICK);
        Path file = dir.resolve("pid");
        CompletableFuture<Object> running = pool.submit(sleeper(file));
        CompletableFuture<Integer> queued = pool.submit(() -> 1);
        long pid = started(file);
        pool.shutdownNow();
        assertTrue(running.isCancelled());
        assertTrue(queued.isCancelled());
        assertTrue(pool.awaitTermination(Duration.ofSeconds(60)));
        assertFalse(alive(pid));
    }

    @Test
    void workersDieWithTheirParentEvenBySigkill() throws Exception {
        try (Pipe<long[]> pipe = Jipc.pipe()) {
            PipeWriter<long[]> w = pipe.writer();
            ChildProcess parent = Jipc.startProcess(() -> {
                ProcessPool pool = ProcessPool.create(2, QUICK);
                Set<Long> pids = new HashSet<>();
                while (pids.size() < 2) {
                    List<CompletableFuture<Long>> fs = pool.submitAll(List.of(PID, PID, PID, PID));
                    for (CompletableFuture<Long> f : fs) {
                        pids.add(f.join());
                    }
                }
                w.put(pids.stream().mapToLong(Long::longValue).toArray());
                Thread.sleep(120_000);
            });
            long[] workers = pipe.reader().get();
            parent.kill();
            parent.join();
            for (long pid : workers) {
                awaitDead(pid);
                assertFalse(alive(pid), "a worker outlived its SIGKILLed parent by 10 s");
            }
        }
    }

    /**
     * Replacements cost the parent nothing that stays: fds and platform threads are flat after
     * {@link #REPLACEMENTS} workers died running a task and were replaced. Each replacement boots
     * a JVM (0.4 s of CPU at best, 2-4 s on a loaded 2-core machine), so not 1,000 here: one fd or
     * thread kept per replacement shows after a few.
     */
    @Test
    void fdAndThreadCountsStayFlatAcrossWorkerReplacements() throws Exception {
        ChildOptions cheapest = ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:CICompilerCount=1");
        try (ProcessPool pool = ProcessPool.create(2, cheapest)) {
            replaceWorkers(pool, 4); // the reactor, the spawner, the timer and the pool's classes exist now
            long fds = TestSupport.openFds();
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            replaceWorkers(pool, REPLACEMENTS);
            assertEquals(fds, TestSupport.openFds(), "fds leaked");
            assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() <= threads + 2,
                    "threads leaked: " + threads + " -> " + ManagementFactory.getThreadMXBean().getThreadCount());
        }
        assertEquals(List.of(), TestSupport.zombieChildren());
    }

    private static final int REPLACEMENTS = 40;

    /** Kills {@code n} workers, each while it runs a task, and checks that work goes on. */
    private void replaceWorkers(ProcessPool pool, int n) throws Exception {
        List<CompletableFuture<Object>> deaths = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            deaths.add(pool.submit(() -> {
                Runtime.getRuntime().halt(7);
                return null;
            }));
        }
        for (CompletableFuture<Object> d : deaths) {
            assertInstanceOf(ChildDiedException.class, failure(d));
        }
        assertEquals(1, get(pool.submit(() -> 1)));
    }

    record Point(int x, int y) implements Serializable {
    }

    @Test
    void resultsOfTheCallersOwnTypesTravelBack() throws Exception {
        try (ProcessPool pool = ProcessPool.create(1, QUICK)) {
            assertEquals(new Point(1, 2), get(pool.submit(() -> new Point(1, 2))));
            assertNull(get(pool.submit(() -> null)));
        }
    }
}
