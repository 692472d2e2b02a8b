package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.io.IOException;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WarmChildrenTest {
    /** Spares that train briefly: these tests check behaviour, not speed. */
    private static final ChildOptions QUICK = ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0.02");

    private static void awaitReady(WarmChildren warm, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (warm.ready() < n) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("spares never became ready: " + warm.ready());
            }
            Thread.sleep(10);
        }
    }

    /** Pids of this JVM's children whose command line says they are spares. */
    private static Set<Long> sparePids() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains("spare")).orElse(false))
                .map(ProcessHandle::pid).collect(Collectors.toCollection(TreeSet::new));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitDead(long pid, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (alive(pid) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    @Test
    void aReadySpareRunsTheTaskWithItsHandlesAndExitsZero() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1); Pipe<String> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            Set<Long> spares = sparePids();
            PipeWriter<String> w = pipe.writer();
            ChildProcess child = warm.startProcess(() -> w.put("hello"));
            assertTrue(spares.contains(child.pid()), "the child was not a spare booted before the call");
            assertTrue(w.isClosed(), "the handed handle stays open in the parent");
            assertEquals("hello", pipe.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            assertTrue(child.name().matches("Process-\\d+"), child.name());
            assertFalse(child.isDaemon());
        }
    }

    @Test
    void exitStatusesAreThoseOfAColdChild() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK)) {
            awaitReady(warm, 1);
            ChildProcess exits3 = warm.startProcess(() -> System.exit(3), "exits-3");
            exits3.join();
            assertEquals(3, exits3.exitCode().getAsInt());
            assertEquals("exits-3", exits3.name());
            awaitReady(warm, 1);
            ChildProcess throwing = warm.startProcess(() -> {
                throw new IllegalStateException("boom");
            });
            throwing.join();
            assertEquals(1, throwing.exitCode().getAsInt());
            awaitReady(warm, 1);
            ChildProcess sleeper = warm.startProcess(() -> Thread.sleep(60_000));
            sleeper.terminate();
            sleeper.join();
            assertEquals(-15, sleeper.exitCode().getAsInt());
            assertEquals(new ExitStatus.Signaled(15, false), sleeper.onExit().join());
        }
    }

    @Test
    void aWarmChildHoldsExactlyTheFdsItWasHandedAsAColdChildDoes() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK)) {
            awaitReady(warm, 1);
            List<String> warmFds = handedFdKinds(task -> warm.startProcess(task));
            List<String> coldFds = handedFdKinds(task -> Jipc.startProcess(task, QUICK));
            assertEquals(coldFds, warmFds); // the JVM's own sockets aside, no control socket is left
            assertEquals(3, java.util.Collections.frequency(warmFds, "pipe"), warmFds.toString());
            assertTrue(warmFds.stream().noneMatch(k -> k.startsWith("foreign")), warmFds.toString());
        }
    }

    /**
     * Starts a child holding a reader, a writer and its own report pipe; it reports the targets of
     * its pipe and socket fds, each pipe named by whether its inode is one the parent handed.
     */
    private static List<String> handedFdKinds(java.util.function.Function<ChildTask, ChildProcess> start)
            throws Exception {
        try (Pipe<String> a = Jipc.pipe(); Pipe<String> b = Jipc.pipe(); Pipe<Object> report = Jipc.pipe(Codec.foryTrusted())) {
            Set<String> handed = Set.of(inode(a.reader()), inode(b.writer()), inode(report.writer()));
            PipeReader<String> r = a.reader();
            PipeWriter<String> w = b.writer();
            PipeWriter<Object> out = report.writer();
            ChildProcess child = start.apply(() -> {
                List<String> targets = new ArrayList<>();
                try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                    for (Path fd : (Iterable<Path>) fds::iterator) {
                        if (Integer.parseInt(fd.getFileName().toString()) <= 2) {
                            continue; // stdio: the parent's, in both
                        }
                        try {
                            targets.add(Files.readSymbolicLink(fd).toString());
                        } catch (IOException gone) {
                            // the listing's own fd
                        }
                    }
                }
                out.put(targets);
                r.close();
                w.close();
            });
            @SuppressWarnings("unchecked")
            List<String> targets = (List<String>) report.reader().get();
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            List<String> kinds = new ArrayList<>();
            for (String t : targets) {
                if (t.startsWith("pipe:")) {
                    kinds.add(handed.contains(t) ? "pipe" : "foreign pipe " + t);
                } else if (t.startsWith("socket:")) {
                    kinds.add("socket");
                }
            }
            kinds.sort(null);
            return kinds;
        }
    }

    /** @return the {@code pipe:[inode]} a handle's fd points at, read before it is handed */
    private static String inode(Handle handle) throws IOException {
        String s = handle.toString(); // "Reader[fd 12, ...]"
        int fd = Integer.parseInt(s.replaceAll("^.*?fd (\\d+).*$", "$1"));
        return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
    }

    @Test
    void refusedTasksHandNothingOverAndLeaveTheSpareReady() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK); Pipe<String> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            Set<Long> spares = sparePids();
            PipeReader<String> closed = Jipc.<String>pipe().reader();
            closed.close();
            assertThrows(HandleClosedException.class, () -> warm.startProcess(() -> closed.get()));
            PipeReader<String> busy = pipe.reader();
            CompletableFuture<String> pending = busy.getAsync();
            Thread.sleep(50);
            assertThrows(HandleLockedException.class, () -> warm.startProcess(() -> busy.get()));
            Object notSerializable = new Object();
            IpcException e = assertThrows(IpcException.class,
                    () -> warm.startProcess(() -> System.out.println(notSerializable)));
            assertInstanceOf(NotSerializableException.class, e.getCause());
            assertEquals(1, warm.ready());
            assertEquals(spares, sparePids(), "a spare was used or replaced");
            assertFalse(busy.isClosed());
            pipe.writer().put("still usable");
            assertEquals("still usable", pending.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aTaskWith254HandledFdsIsRefusedBeforeAnythingIsSent() throws Exception {
        List<Pipe<String>> pipes = new ArrayList<>();
        try (WarmChildren warm = WarmChildren.create(1, QUICK)) {
            awaitReady(warm, 1);
            Set<Long> spares = sparePids();
            List<PipeReader<String>> readers = new ArrayList<>();
            for (int i = 0; i < 254; i++) {
                Pipe<String> p = Jipc.pipe();
                pipes.add(p);
                readers.add(p.reader());
            }
            IpcException e = assertThrows(IpcException.class, () -> warm.startProcess(() -> readers.size()));
            assertTrue(e.getMessage().contains("253"), e.getMessage());
            assertTrue(readers.stream().noneMatch(Handle::isClosed));
            assertEquals(spares, sparePids());
            assertEquals(1, warm.ready());
        } finally {
            pipes.forEach(Pipe::close);
        }
    }

    @Test
    void twoHundredHandlesTravelInOneTask() throws Exception {
        List<Pipe<Integer>> pipes = new ArrayList<>();
        try (WarmChildren warm = WarmChildren.create(1, QUICK); Pipe<Integer> sum = Jipc.pipe()) {
            awaitReady(warm, 1);
            List<PipeReader<Integer>> readers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Pipe<Integer> p = Jipc.pipe();
                pipes.add(p);
                readers.add(p.reader());
                p.writer().put(i);
            }
            PipeWriter<Integer> out = sum.writer();
            ChildProcess child = warm.startProcess(() -> {
                int total = 0;
                for (PipeReader<Integer> r : readers) {
                    total += r.get();
                }
                out.put(total);
            });
            assertEquals(199 * 200 / 2, sum.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        } finally {
            pipes.forEach(Pipe::close);
        }
    }

    @Test
    void aTaskLargerThanTheSocketBufferArrivesWhole() throws Exception {
        byte[] big = new byte[8 << 20];
        new java.util.Random(7).nextBytes(big);
        int expected = Arrays.hashCode(big);
        try (WarmChildren warm = WarmChildren.create(1, QUICK); Pipe<Integer> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            PipeWriter<Integer> w = pipe.writer();
            ChildProcess child = warm.startProcess(() -> w.put(Arrays.hashCode(big)));
            assertEquals(expected, pipe.reader().get());
            child.join();
        }
    }

    @Test
    void aSpareKilledWhileWaitingIsReplacedAndNoTaskIsLost() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK); Pipe<String> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            long victim = sparePids().iterator().next();
            ProcessHandle.of(victim).orElseThrow().destroyForcibly();
            awaitDead(victim, 10);
            awaitReady(warm, 1);
            Set<Long> now = sparePids();
            assertEquals(1, now.size());
            assertFalse(now.contains(victim));
            PipeWriter<String> w = pipe.writer();
            ChildProcess child = warm.startProcess(() -> w.put("after the replacement"));
            assertEquals("after the replacement", pipe.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            assertNotEquals(victim, child.pid());
        }
    }

    /** A class whose initializer, in a child given {@code -Djipc.test.initLog=FILE}, appends the pid to FILE. */
    static final class Rehearsed {
        static {
            String log = System.getProperty("jipc.test.initLog");
            if (log != null) {
                try {
                    Files.writeString(Path.of(log), ProcessHandle.current().pid() + "\n", StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        static ChildTask putPid(PipeWriter<Long> w) {
            return () -> w.put(ProcessHandle.current().pid());
        }
    }

    private static ChildOptions logInits(Path log) {
        return ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0.02", "-Djipc.test.initLog=" + log);
    }

    private static List<Long> inits(Path log) throws IOException {
        return Files.readAllLines(log).stream().map(Long::parseLong).toList();
    }

    @Test
    void aSpareBootedAfterALambdaWasHandedOutHasDeserializedItWhenReady() throws Exception {
        Path log = Files.createTempFile("jipc-inits", ".txt");
        try (WarmChildren warm = WarmChildren.create(1, logInits(log)); Pipe<Long> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            ChildProcess first = warm.startProcess(Rehearsed.putPid(pipe.writer()));
            assertEquals(first.pid(), pipe.reader().get());
            first.join();
            assertEquals(List.of(first.pid()), inits(log));
            awaitReady(warm, 1);
            long next = sparePids().iterator().next();
            // ready, and no task sent to it yet: its rehearsal initialized the lambda's class
            assertEquals(List.of(first.pid(), next), inits(log));
            try (Pipe<Long> again = Jipc.pipe()) {
                ChildProcess second = warm.startProcess(Rehearsed.putPid(again.writer()));
                assertEquals(next, second.pid());
                assertEquals(next, again.reader().get());
                second.join();
                assertEquals(0, second.exitCode().getAsInt());
            }
            assertEquals(List.of(first.pid(), next), inits(log), "the task initialized its class again");
        } finally {
            Files.delete(log);
        }
    }

    @Test
    void rehearseHasAWaitingSpareDeserializeALambdaBeforeItsFirstTask() throws Exception {
        Path log = Files.createTempFile("jipc-inits", ".txt");
        try (WarmChildren warm = WarmChildren.create(1, logInits(log)); Pipe<Long> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            assertEquals(List.of(), inits(log));
            assertTrue(warm.rehearse(Rehearsed.putPid(null)), "a serializable lambda is rehearsed");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inits(log).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Long> rehearsed = inits(log); // only this set's spares log (their options say where)
            assertEquals(1, rehearsed.size(), "the waiting spare initialized the lambda's class, no task sent");
            ChildProcess child = warm.startProcess(Rehearsed.putPid(pipe.writer()));
            assertEquals(rehearsed.get(0), child.pid(), "the spare that rehearsed took the task");
            assertEquals(child.pid(), pipe.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            assertEquals(rehearsed, inits(log), "the task found its class initialized");
        } finally {
            Files.delete(log);
        }
    }

    /** A task that is not a lambda: nothing to rehearse. */
    private static final class NotALambda implements ChildTask {
        @Override
        public void run() {
        }
    }

    @Test
    void rehearseSaysFalseForATaskThatIsNotALambdaAndRefusesAfterClose() throws Exception {
        WarmChildren warm = WarmChildren.create(0);
        assertFalse(warm.rehearse(new NotALambda()));
        warm.close();
        assertThrows(IllegalStateException.class, () -> warm.rehearse(Rehearsed.putPid(null)));
    }

    @Test
    void rehearseChecksCapturedHandlesAsAStartDoesAndLeavesThemOpen() throws Exception {
        try (WarmChildren warm = WarmChildren.create(0); Pipe<Long> pipe = Jipc.pipe()) {
            PipeWriter<Long> w = pipe.writer();
            assertTrue(warm.rehearse(Rehearsed.putPid(w)));
            assertFalse(w.isClosed(), "rehearsing hands nothing over");
            w.put(7L);
            assertEquals(7L, pipe.reader().get());
            w.close();
            assertThrows(HandleClosedException.class, () -> warm.rehearse(Rehearsed.putPid(w)));
        }
    }

    @Test
    void aWaitingSpareDeserializesALambdaOnceAnotherSpareWasHandedIt() throws Exception {
        Path log = Files.createTempFile("jipc-inits", ".txt");
        try (WarmChildren warm = WarmChildren.create(2, logInits(log)); Pipe<Long> pipe = Jipc.pipe()) {
            awaitReady(warm, 2);
            Set<Long> spares = sparePids();
            ChildProcess first = warm.startProcess(Rehearsed.putPid(pipe.writer()));
            assertEquals(first.pid(), pipe.reader().get());
            first.join();
            long other = spares.stream().filter(p -> p != first.pid()).findFirst().orElseThrow();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (inits(log).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            List<Long> inits = inits(log);
            assertEquals(2, inits.size(), inits.toString());
            assertEquals(Set.of(first.pid(), other), Set.copyOf(inits));
        } finally {
            Files.delete(log);
        }
    }

    /** A class whose initializer fails in a child given {@code -Djipc.test.failInit=true}. */
    static final class FailsToInitialize {
        static {
            if (Boolean.getBoolean("jipc.test.failInit")) {
                throw new IllegalStateException("this class does not initialize in children");
            }
        }

        static ChildTask task() {
            return () -> { };
        }
    }

    @Test
    void aLambdaWhoseClassFailsToInitializeLeavesTheSparesThatRehearseItReadyForOtherTasks() throws Exception {
        ChildOptions options = ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0.02",
                "-Djipc.test.failInit=true");
        try (WarmChildren warm = WarmChildren.create(1, options); Pipe<String> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            ChildProcess failing = warm.startProcess(FailsToInitialize.task());
            failing.join();
            assertEquals(1, failing.exitCode().getAsInt());
            awaitReady(warm, 1); // the replacement rehearsed the failing lambda before it said so
            long spare = sparePids().iterator().next();
            PipeWriter<String> w = pipe.writer();
            ChildProcess child = warm.startProcess(() -> w.put("still warm"));
            assertEquals(spare, child.pid());
            assertEquals("still warm", pipe.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        }
    }

    @Test
    void startProcessHandsTheTaskOverWithoutWaitingForTheSpareToTakeIt() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK); Pipe<String> pipe = Jipc.pipe()) {
            awaitReady(warm, 1);
            long spare = sparePids().iterator().next();
            assertEquals(0, signal("STOP", spare));
            try {
                PipeWriter<String> w = pipe.writer();
                CompletableFuture<ChildProcess> started = CompletableFuture.supplyAsync(
                        () -> warm.startProcess(() -> w.put("ran")));
                // a start that waited for the stopped spare to answer would never return
                ChildProcess child = started.get(60, TimeUnit.SECONDS);
                assertEquals(spare, child.pid());
                assertEquals(0, signal("CONT", spare));
                assertEquals("ran", pipe.reader().get());
                child.join();
                assertEquals(0, child.exitCode().getAsInt());
            } finally {
                signal("CONT", spare); // gone by now, unless the test failed
            }
        }
    }

    /** @return kill's exit status */
    private static int signal(String name, long pid) throws Exception {
        return new ProcessBuilder("kill", "-" + name, Long.toString(pid)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
    }

    @Test
    void waitingSparesDieWithTheirParentEvenBySigkill() throws Exception {
        try (Pipe<long[]> pipe = Jipc.pipe()) {
            PipeWriter<long[]> w = pipe.writer();
            ChildProcess parent = Jipc.startProcess(() -> {
                WarmChildren warm = WarmChildren.create(2, QUICK); // a non-daemon set: spares die anyway
                awaitReady(warm, 2);
                w.put(sparePids().stream().mapToLong(Long::longValue).toArray());
                Thread.sleep(120_000);
            });
            long[] spares = pipe.reader().get();
            assertEquals(2, spares.length);
            parent.kill();
            parent.join();
            for (long pid : spares) {
                awaitDead(pid, 5);
                assertFalse(alive(pid), "a spare outlived its SIGKILLed parent by 5 s");
            }
        }
    }

    @Test
    void aNonDaemonWarmChildOutlivesItsParentAndADaemonOneDoesNot() throws Exception {
        try (Pipe<long[]> pipe = Jipc.pipe()) {
            PipeWriter<long[]> w = pipe.writer();
            ChildProcess parent = Jipc.startProcess(() -> {
                WarmChildren plain = WarmChildren.create(1, QUICK);
                WarmChildren daemons = WarmChildren.create(1, QUICK.withDaemon(true));
                awaitReady(plain, 1);
                awaitReady(daemons, 1);
                ChildProcess orphan = plain.startProcess(() -> Thread.sleep(20_000));
                ChildProcess daemon = daemons.startProcess(() -> Thread.sleep(20_000));
                w.put(new long[] {orphan.pid(), daemon.pid()});
                Thread.sleep(120_000);
            });
            long[] pids = pipe.reader().get();
            parent.kill();
            parent.join();
            awaitDead(pids[1], 5);
            assertFalse(alive(pids[1]), "the daemon warm child outlived its SIGKILLed parent");
            assertTrue(alive(pids[0]), "the non-daemon warm child died with its parent");
            ProcessHandle.of(pids[0]).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void closeKillsAndReapsEverySpareAndLeavesNoFd() throws Exception {
        long fdsBefore = TestSupport.openFds();
        Set<Long> before = sparePids();
        WarmChildren warm = WarmChildren.create(2, QUICK);
        awaitReady(warm, 2);
        Set<Long> spares = new TreeSet<>(sparePids());
        spares.removeAll(before);
        assertEquals(2, spares.size());
        warm.close();
        for (long pid : spares) {
            assertFalse(alive(pid), "close() returned before the spare " + pid + " was reaped");
        }
        assertEquals(List.of(), TestSupport.zombieChildren());
        assertEquals(fdsBefore, TestSupport.openFds());
        assertThrows(IllegalStateException.class, () -> warm.startProcess(() -> { }));
        warm.close(); // idempotent
    }

    /** 40 rather than the 100: each replacement boots a JVM, which CI's 2 cores pay for. */
    @Test
    void fortyWarmStartsInARowLeaveTheFdAndThreadCountsWhereTheyWere() throws Exception {
        try (WarmChildren warm = WarmChildren.create(4, QUICK)) {
            awaitReady(warm, 4);
            startEchoing(warm); // first use: the reactor and the spawner's threads
            awaitReady(warm, 4);
            long fds = TestSupport.openFds();
            int threads = Thread.activeCount();
            for (int i = 0; i < 40; i++) {
                awaitReady(warm, 1);
                startEchoing(warm);
            }
            awaitReady(warm, 4);
            assertEquals(fds, TestSupport.openFds());
            assertTrue(Thread.activeCount() <= threads + 1, Thread.activeCount() + " threads, " + threads + " before");
        }
    }

    private static void startEchoing(WarmChildren warm) throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            PipeWriter<Integer> w = pipe.writer();
            ChildProcess child = warm.startProcess(() -> w.put(7));
            assertEquals(7, pipe.reader().get());
            child.join();
            child.close();
        }
    }

    @Test
    void withoutAReadySpareTheChildStartsCold() throws Exception {
        try (WarmChildren none = WarmChildren.create(0); Pipe<String> pipe = Jipc.pipe()) {
            assertEquals(0, none.ready());
            PipeWriter<String> w = pipe.writer();
            // the child reads its own command line: from outside, one that has not exec'd java yet shows none
            ChildProcess child = none.startProcess(() -> w.put(String.join(" ",
                    ProcessHandle.current().info().arguments().orElseThrow())));
            List<String> argv = Arrays.asList(pipe.reader().get().split(" "));
            assertFalse(argv.contains("spare"), "a spare was used though none was kept: " + argv);
            child.join();
            assertEquals(0, none.ready());
        }
    }

    @Test
    void sparesThatCannotBootStopBeingStartedAndStartsFallBackToCold() throws Exception {
        ChildOptions broken = ChildOptions.defaults().withJvmOptions("-XX:+NoSuchJvmOptionForJipcTests");
        try (WarmChildren warm = WarmChildren.create(2, broken)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int seen = 0;
            while (System.nanoTime() < deadline) { // every spare dies at once; the set gives up after 3
                seen = Math.max(seen, sparePids().size());
                Thread.sleep(200);
                if (sparePids().isEmpty() && TestSupport.zombieChildren().isEmpty()) {
                    Thread.sleep(1_000);
                    if (sparePids().isEmpty()) {
                        break;
                    }
                }
            }
            assertEquals(Set.of(), sparePids(), "spares are still being started");
            assertEquals(0, warm.ready());
            ChildProcess child = warm.startProcess(() -> { });
            child.join();
            assertEquals(1, child.exitCode().getAsInt()); // the JVM refuses the option, as a cold start shows
        }
    }

    @Test
    void negativeSparesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WarmChildren.create(-1));
        assertThrows(NullPointerException.class, () -> WarmChildren.create(1, null));
    }

    @Test
    void warmChildrenCountNamesFromTheSameCounterAsColdOnes() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK)) {
            awaitReady(warm, 1);
            ChildProcess cold = Jipc.startProcess(() -> { });
            ChildProcess hot = warm.startProcess(() -> { });
            ChildProcess cold2 = Jipc.startProcess(() -> { });
            int a = Integer.parseInt(cold.name().substring(8));
            int b = Integer.parseInt(hot.name().substring(8));
            int c = Integer.parseInt(cold2.name().substring(8));
            assertTrue(a < b && b < c, List.of(a, b, c).toString());
            for (ChildProcess p : List.of(cold, hot, cold2)) {
                p.join();
            }
        }
    }

    @Test
    void joinWithATimeoutOnAWarmChild() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1, QUICK)) {
            awaitReady(warm, 1);
            ChildProcess child = warm.startProcess(() -> Thread.sleep(60_000));
            assertFalse(child.join(Duration.ofMillis(200)));
            assertTrue(child.isAlive());
            child.kill();
            assertTrue(child.join(Duration.ofSeconds(30)));
            assertEquals(-9, child.exitCode().getAsInt());
        }
    }
}
