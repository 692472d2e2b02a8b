package dev.jipc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.internal.posix.Processes;
import dev.jipc.testing.TestSupport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SubprocessTest {

    private static final int SIGUSR1 = 10;
    private static final int SIGPIPE = 13;
    private static final SpawnOptions QUIET = SpawnOptions.defaults()
            .withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD).withStderr(Redirect.DISCARD);

    @BeforeAll
    static void warmUp() throws Exception {
        // Starts the reactor (its eventfd, its thread) and the supervisor's machinery before anything is counted.
        Subprocess p = Jipc.spawn("true");
        p.join();
        p.close();
        try (Pipe<String> warm = Jipc.pipe()) {
            try {
                warm.reader().get(Duration.ofMillis(1));
            } catch (java.util.concurrent.TimeoutException expected) {
                // parked once on the reactor
            }
        }
    }

    // ---------------------------------------------------------------- exit statuses

    @Test
    void trueExitsZero() throws Exception {
        Subprocess p = Jipc.spawn("true");
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Exited(0), p.onExit().get());
        assertFalse(p.isAlive());
        p.close();
    }

    @Test
    void exitCodeOfAShell() throws Exception {
        Subprocess p = Jipc.spawn("sh", "-c", "exit 7");
        p.join();
        assertEquals(7, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Exited(7), p.onExit().get());
        assertEquals(7, p.onExit().get().exitCode());
        p.close();
    }

    @Test
    void aChildThatKillsItselfIsSignaled() throws Exception {
        Subprocess p = Jipc.spawn("sh", "-c", "kill -9 $$");
        p.join();
        assertEquals(-9, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
        p.close();
    }

    @Test
    void killIsSigkill() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        assertTrue(p.isAlive());
        assertTrue(p.exitCode().isEmpty());
        p.kill();
        p.join();
        assertFalse(p.isAlive());
        assertEquals(-9, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
        p.close();
    }

    @Test
    void terminateIsSigterm() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        p.terminate();
        p.join();
        assertEquals(-15, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Signaled(15, false), p.onExit().get());
        p.close();
    }

    @Test
    void signalSendsTheGivenSignal() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        p.signal(SIGUSR1);
        p.join();
        assertEquals(-SIGUSR1, p.exitCode().orElseThrow());
        assertEquals(new ExitStatus.Signaled(SIGUSR1, false), p.onExit().get());
        p.close();
    }

    @Test
    void signallingAReapedChildIsANoOp() throws Exception {
        Subprocess p = Jipc.spawn("true");
        p.join();
        p.kill();
        p.terminate();
        p.signal(SIGUSR1);
        assertEquals(0, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void joinWithTimeoutIsFalseWhileRunningAndTrueOnceTerminated() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        assertFalse(p.join(Duration.ofMillis(200)));
        assertTrue(p.isAlive());
        assertTrue(p.exitCode().isEmpty());
        p.terminate();
        assertTrue(p.join(Duration.ofSeconds(5)), "a SIGTERMed sleep is gone within 5 s");
        assertFalse(p.isAlive());
        assertTrue(p.join(Duration.ZERO));
        assertEquals(-15, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void joinWithAnEndlessTimeoutWaitsForTheExit() throws Exception {
        for (Duration endless : List.of(Duration.ofSeconds(Long.MAX_VALUE), ChronoUnit.FOREVER.getDuration())) {
            Subprocess p = Jipc.spawn(QUIET, "sleep", "0.1");
            assertTrue(p.join(endless));
            assertEquals(new ExitStatus.Exited(0), p.onExit().getNow(null));
            p.close();
        }
    }

    @Test
    void joinWithAZeroOrNegativeTimeoutDoesNotBlock() throws Exception {
        Subprocess p = Jipc.spawn(QUIET, "sleep", "600");
        assertFalse(p.join(Duration.ZERO));
        assertFalse(p.join(Duration.ofSeconds(-5)));
        assertFalse(p.join(Duration.ofNanos(Long.MIN_VALUE)));
        p.kill();
        p.join();
        assertTrue(p.join(Duration.ZERO));
        assertTrue(p.join(Duration.ofSeconds(-5)));
        p.close();
    }

    @Test
    void anInvalidSignalNumberIsAnIllegalArgumentExceptionNamingEinval() throws Exception {
        Subprocess p = Jipc.spawn(QUIET, "sleep", "600");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.signal(12345));
            assertTrue(e.getMessage().contains("EINVAL"), e.getMessage());
            TestSupport.assertNoInternalTypeInChain(e);
            assertTrue(p.isAlive());
        } finally {
            p.kill();
            p.join();
            p.close();
        }
    }

    @Test
    void anExitStatusTakenByAnotherWaitFailsJoinAndOnExitWithAPublicException() throws Exception {
        Subprocess p;
        try (var fault = FaultInjection.inject("waitid", Libc.ECHILD())) { // as if another waitpid took it
            p = Jipc.spawn(QUIET, "true");
            try {
                IpcException joined = assertThrows(IpcException.class, p::join);
                assertTrue(joined.getMessage().contains("taken by another waitpid"), joined.getMessage());
                assertTrue(joined.getMessage().contains("ECHILD"), joined.getMessage());
                TestSupport.assertNoInternalTypeInChain(joined);
                ExecutionException onExit = assertThrows(ExecutionException.class, () -> p.onExit().get());
                TestSupport.assertNoInternalTypeInChain(onExit);
            } finally {
                fault.close();
                Processes.awaitExit((int) p.pid());
                assertEquals(new ExitStatus.Exited(0), Processes.reap((int) p.pid())); // the zombie the fault left
            }
        }
        p.close();
    }

    @Test
    void nameIsTheProgramAndSubprocessesAreNotDaemons() throws Exception {
        Subprocess p = Jipc.spawn("sh", "-c", "exit 0");
        assertEquals("sh", p.name());
        assertFalse(p.isDaemon());
        assertTrue(p.pid() > 0);
        p.join();
        p.close();
        Subprocess q = Jipc.spawn(QUIET, "/bin/true");
        assertEquals("/bin/true", q.name());
        q.join();
        q.close();
    }

    @Test
    void anEmptyCommandIsIllegal() {
        assertThrows(IllegalArgumentException.class, () -> Jipc.spawn());
        assertThrows(IllegalArgumentException.class, () -> Jipc.spawn(SpawnOptions.defaults()));
        assertThrows(IllegalArgumentException.class, () -> Jipc.spawn(new String[0]));
    }

    // ---------------------------------------------------------------- onExit

    @Test
    void onExitCompletesOnceOffTheReactorThread() throws Exception {
        Subprocess p = Jipc.spawn(QUIET, "sleep", "30");
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> threadName = new AtomicReference<>();
        AtomicReference<ExitStatus> seen = new AtomicReference<>();
        CompletableFuture<ExitStatus> first = p.onExit();
        CompletableFuture<Void> callback = first.thenAccept(status -> {
            calls.incrementAndGet();
            threadName.set(Thread.currentThread().getName());
            seen.set(status);
        });
        // A caller completing its own future must not complete the child's.
        assertTrue(p.onExit().complete(new ExitStatus.Exited(42)));
        assertTrue(p.isAlive());
        assertTrue(p.exitCode().isEmpty());
        assertFalse(first.isDone());
        assertEquals(0, calls.get());

        p.kill();
        callback.get(5, TimeUnit.SECONDS);
        p.join();
        assertEquals(1, calls.get());
        assertEquals(new ExitStatus.Signaled(9, false), seen.get());
        assertNotNull(threadName.get());
        assertFalse(threadName.get().startsWith("jipc-reactor"),
                "onExit callbacks must not run on the reactor thread, ran on " + threadName.get());
        // Later futures, and callbacks on them, see the same single status.
        assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
        AtomicInteger late = new AtomicInteger();
        p.onExit().thenRun(late::incrementAndGet).get();
        assertEquals(1, late.get());
        assertEquals(1, calls.get());
        assertEquals(-9, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void aBlockingOnExitCallbackDoesNotStallOtherChildren() throws Exception {
        Subprocess a = Jipc.spawn(QUIET, "sleep", "30");
        Subprocess b = Jipc.spawn(QUIET, "sleep", "30");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inCallback = new CountDownLatch(1);
        CompletableFuture<Void> aCallback = a.onExit().thenRun(() -> {
            inCallback.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        a.kill();
        inCallback.await();
        b.kill();
        b.join(); // would hang if a's callback held the thread that notices exits
        assertEquals(-9, b.exitCode().orElseThrow());
        release.countDown();
        aCallback.get();
        assertEquals(-9, a.exitCode().orElseThrow());
        a.close();
        b.close();
    }

    // ---------------------------------------------------------------- close

    @Test
    void closeWhileRunningThrowsAndAfterExitEverythingStillAnswers() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        assertThrows(IllegalStateException.class, p::close);
        assertTrue(p.isAlive(), "a refused close leaves the child alone");
        p.kill();
        p.join();
        p.close();
        p.close(); // idempotent
        assertFalse(p.isAlive());
        assertEquals(-9, p.exitCode().orElseThrow());
        p.join();
        assertTrue(p.join(Duration.ofSeconds(1)));
        assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
        p.kill(); // still a no-op
    }

    @Test
    void closeClosesTheStreams() throws Exception {
        Subprocess p = Jipc.spawn(SpawnOptions.defaults().withStderr(Redirect.PIPE),
                "sh", "-c", "printf out; printf err >&2");
        p.join();
        p.close();
        assertThrows(IOException.class, () -> p.stdout().read());
        assertThrows(IOException.class, () -> p.stderr().read(new byte[8]));
        assertThrows(IOException.class, () -> p.stdin().write(1));
    }

    // ---------------------------------------------------------------- resources

    @Test
    void fiveHundredSpawnsLeaveNoZombieAndNoFd() throws Exception {
        long before = TestSupport.openFds();
        List<Long> pids = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Subprocess p = Jipc.spawn("true");
            pids.add(p.pid());
            p.join();
            assertEquals(0, p.exitCode().orElseThrow());
        }
        for (long pid : pids) {
            Character state = procState(pid);
            assertNotEquals(Character.valueOf('Z'), state, "pid " + pid + " is a zombie");
        }
        assertEquals(before, TestSupport.openFds(), "pidfds or pipes of reaped children are still open");
        assertEquals(List.of(), TestSupport.zombieChildren());
    }

    @Test
    void platformAndVirtualJoinersRacingTheSupervisorReapEachChildOnce() throws Exception {
        long before = TestSupport.openFds();
        AtomicInteger callbacks = new AtomicInteger();
        List<Subprocess> children = new ArrayList<>();
        List<Thread> joiners = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Subprocess p = Jipc.spawn(i % 2 == 0 ? QUIET : SpawnOptions.defaults(), "sh", "-c", "exit " + (i % 7));
            p.onExit().thenRun(callbacks::incrementAndGet);
            children.add(p);
            // Platform joiners wait on a pidfd of their own and may reap before the supervisor.
            Thread.Builder builder = i % 3 == 0 ? Thread.ofVirtual() : Thread.ofPlatform();
            joiners.add(builder.start(() -> {
                try {
                    p.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : joiners) {
            t.join();
        }
        for (int i = 0; i < children.size(); i++) {
            Subprocess p = children.get(i);
            assertEquals(i % 7, p.onExit().get().exitCode(), "child " + i);
            assertEquals(i % 7, p.exitCode().orElseThrow());
            p.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (callbacks.get() < children.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(children.size(), callbacks.get(), "each onExit completes exactly once");
        assertEquals(before, TestSupport.openFds(), "pidfds or pipes of reaped children are still open");
        assertEquals(List.of(), TestSupport.zombieChildren());
    }

    @Test
    void aChildNobodyWaitsForIsReapedAndReleasedAllTheSame() throws Exception {
        long before = TestSupport.openFds();
        Subprocess p = Jipc.spawn("sh", "-c", "exit 3"); // pipes; no join, onExit or isAlive
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!TestSupport.zombieChildren().isEmpty() || TestSupport.openFds() != before)
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(List.of(), TestSupport.zombieChildren(), "the supervisor never reaped the child");
        assertEquals(before, TestSupport.openFds(), "its pidfd and pipes stay open");
        assertEquals(3, p.exitCode().orElseThrow());
        assertFalse(p.isAlive());
        p.close();
    }

    @Test
    void isAliveAndExitCodeSeeAnExitAtOnce() throws Exception {
        for (int i = 0; i < 50; i++) {
            Subprocess p = Jipc.spawn(SpawnOptions.defaults(), "sh", "-c", "exit 4");
            assertEquals(-1, p.stdout().read()); // the child has closed its stdout: it is exiting
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(4, p.exitCode().orElseThrow());
            p.close();
        }
    }

    @Test
    void aPlatformThreadJoiningARunningChildIsInterruptible() throws Exception {
        Subprocess p = Jipc.spawn(QUIET, "sleep", "30");
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread joiner = Thread.ofPlatform().start(() -> {
            try {
                p.join();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        Thread.sleep(20); // inside the direct wait on the pidfd, most likely
        joiner.interrupt();
        assertTrue(outcome.get(10, TimeUnit.SECONDS) instanceof InterruptedException, String.valueOf(outcome.get()));
        assertTrue(p.isAlive());
        p.kill();
        p.join();
        assertEquals(-9, p.exitCode().orElseThrow());
        p.close();
    }

    @ParameterizedTest(name = "pipes={0}")
    @ValueSource(booleans = {false, true})
    void twoHundredRunningChildrenNeedNoThreadEach(boolean pipes) throws Exception {
        SpawnOptions options = pipes ? SpawnOptions.defaults() : QUIET;
        long fdsBefore = TestSupport.openFds();
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        List<Subprocess> children = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                children.add(Jipc.spawn(options, "sleep", "5"));
            }
            int threadsDuring = ManagementFactory.getThreadMXBean().getThreadCount();
            for (Subprocess c : children) {
                assertTrue(c.isAlive());
            }
            assertTrue(threadsDuring - threadsBefore < 10,
                    "live threads went from " + threadsBefore + " to " + threadsDuring + " for 200 children");
        } finally {
            for (Subprocess c : children) {
                c.kill();
            }
            for (Subprocess c : children) {
                c.join();
            }
        }
        for (Subprocess c : children) {
            assertEquals(-9, c.exitCode().orElseThrow());
            assertNotEquals(Character.valueOf('Z'), procState(c.pid()), "pid " + c.pid() + " is a zombie");
            c.close();
        }
        assertEquals(List.of(), TestSupport.zombieChildren());
        assertEquals(fdsBefore, TestSupport.openFds());
    }

    // ---------------------------------------------------------------- spawn failures

    @Test
    void aMissingProgramOnPathIsASpawnExceptionNamingItAndEnoent() {
        assertFailsCleanly("no-such-program-jipc", "ENOENT", SpawnOptions.defaults(), "no-such-program-jipc");
    }

    @Test
    void aMissingAbsolutePathIsASpawnExceptionNamingItAndEnoent() {
        assertFailsCleanly("/nonexistent/no-such-program-jipc", "ENOENT", SpawnOptions.defaults(),
                "/nonexistent/no-such-program-jipc", "arg");
    }

    @Test
    void aBadWorkingDirectoryIsASpawnExceptionNamingItAndEnoent() {
        SpawnOptions options = SpawnOptions.defaults().withStderr(Redirect.PIPE)
                .withDirectory(Path.of("/nonexistent-dir"));
        SpawnException e = assertFailsCleanly("/nonexistent-dir", "ENOENT", options, "true");
        assertTrue(e.getMessage().contains("true"), e.getMessage());
    }

    @Test
    void aNonExecutableFileIsASpawnExceptionWithEacces() throws Exception {
        Path file = Files.createTempFile("jipc-not-executable", ".sh",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
        try {
            Files.writeString(file, "#!/bin/sh\nexit 0\n");
            assertFailsCleanly(file.toString(), "EACCES", SpawnOptions.defaults(), file.toString());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static SpawnException assertFailsCleanly(String named, String errno, SpawnOptions options,
                                                     String... command) {
        long before = TestSupport.openFds();
        SpawnException e = assertThrows(SpawnException.class, () -> Jipc.spawn(options, command));
        assertNotNull(e.getMessage());
        assertTrue(e.getMessage().contains(named), "message should name " + named + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(errno), "message should name " + errno + ": " + e.getMessage());
        assertEquals(before, TestSupport.openFds(), "a failed spawn leaked fds");
        assertEquals(List.of(), TestSupport.zombieChildren(), "a failed spawn left a zombie");
        return e;
    }

    // ---------------------------------------------------------------- streams

    @Test
    void catEchoesTenMebibytesByteForByte() throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(42).nextBytes(data);
        Subprocess cat = Jipc.spawn("cat");
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> writer = vts.submit(() -> {
                Random sizes = new Random(7);
                OutputStream in = cat.stdin();
                int off = 0;
                while (off < data.length) {
                    int n = Math.min(data.length - off, 1 + sizes.nextInt(200_000));
                    in.write(data, off, n);
                    off += n;
                }
                in.close();
                return null;
            });
            Future<byte[]> reader = vts.submit(() -> cat.stdout().readAllBytes());
            writer.get();
            byte[] echoed = reader.get();
            assertEquals(data.length, echoed.length);
            assertArrayEquals(data, echoed);
        }
        cat.join();
        assertEquals(0, cat.exitCode().orElseThrow());
        cat.close();
    }

    @Test
    void closingStdinDeliversEndOfFile() throws Exception {
        Subprocess wc = Jipc.spawn("wc", "-c");
        byte[] data = new byte[12_345];
        wc.stdin().write(data);
        wc.stdin().close();
        assertEquals("12345", new String(wc.stdout().readAllBytes(), UTF_8).trim());
        wc.join();
        assertEquals(0, wc.exitCode().orElseThrow());
        wc.close();
    }

    @Test
    void theChildsStdioIsBlocking() throws Exception {
        // Programs expect blocking stdio: an O_NONBLOCK stdin makes cat fail with EAGAIN.
        Subprocess p = Jipc.spawn(SpawnOptions.defaults().withStderr(Redirect.PIPE), "sleep", "30");
        try {
            for (int fd = 0; fd <= 2; fd++) {
                int flags = fdFlags(p.pid(), fd);
                assertEquals(0, flags & 04000, "child fd " + fd + " is O_NONBLOCK (flags 0" + Integer.toOctalString(flags) + ")");
            }
        } finally {
            p.kill();
            p.join();
            p.close();
        }
    }

    @Test
    void catWaitingForInputDoesNotFail() throws Exception {
        Subprocess cat = Jipc.spawn(SpawnOptions.defaults().withStderr(Redirect.PIPE), "cat");
        Thread.sleep(300); // cat reads an empty pipe first (no assertion on time: only gives cat the chance)
        cat.stdin().write("late\n".getBytes(UTF_8));
        cat.stdin().close();
        assertEquals("late\n", new String(cat.stdout().readAllBytes(), UTF_8));
        cat.join();
        assertEquals("", new String(cat.stderr().readAllBytes(), UTF_8));
        assertEquals(0, cat.exitCode().orElseThrow());
        cat.close();
    }

    @Test
    void outputWrittenBeforeExitIsKeptAndItsFdsClosedAtReaping() throws Exception {
        long before = TestSupport.openFds();
        Subprocess p = Jipc.spawn(SpawnOptions.defaults().withStderr(Redirect.PIPE),
                "sh", "-c", "printf hello; printf oops >&2");
        p.join(); // nobody reads before the exit
        assertEquals(before, TestSupport.openFds(),
                "after reaping, the child's stdin/stdout/stderr pipes and pidfd are closed");
        assertEquals("hello", new String(p.stdout().readAllBytes(), UTF_8));
        assertEquals("oops", new String(p.stderr().readAllBytes(), UTF_8));
        assertEquals(-1, p.stdout().read());
        assertEquals(0, p.exitCode().orElseThrow());
        p.close();
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    void nearlyAPipeFullOfOutputSurvivesTheExit() throws Exception {
        long before = TestSupport.openFds();
        Subprocess p = Jipc.spawn("sh", "-c", "seq 100000 | head -c 60000");
        p.join();
        assertEquals(before, TestSupport.openFds());
        StringBuilder expected = new StringBuilder();
        for (int i = 1; expected.length() < 60_000; i++) {
            expected.append(i).append('\n');
        }
        expected.setLength(60_000);
        assertEquals(expected.toString(), new String(p.stdout().readAllBytes(), UTF_8),
                "what the pipe held at the exit, in order (the drain grows its buffer past its first 8 KiB)");
        assertEquals(0, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void aGrandchildHoldingStdoutOpenDoesNotKeepItsFdOpenAfterReaping() throws Exception {
        long before = TestSupport.openFds();
        Subprocess p = Jipc.spawn("sh", "-c", "sleep 30 & echo $!");
        long grandchild = -1;
        try {
            p.join();
            assertEquals(before, TestSupport.openFds(), "the stdout pipe is closed at reaping, whoever else holds it");
            String out = new String(p.stdout().readAllBytes(), UTF_8); // what the pipe held, then EOF
            grandchild = Long.parseLong(out.trim());
            assertTrue(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false));
        } finally {
            if (grandchild > 0) {
                ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
        p.close();
    }

    @Test
    void aReaderBlockedWhenTheChildExitsGetsEndOfFileDespiteAGrandchild() throws Exception {
        Subprocess p = Jipc.spawn("sh", "-c", "sleep 30 & echo $!; read x; exit 0");
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = readAll(p.stdout(), result);
        TestSupport.awaitParked(reader);
        p.stdin().close(); // sh exits; the grandchild still holds the stdout pipe
        p.join();
        reader.join(); // would hang without the reaping's wake-up
        assertTrue(result.get() instanceof String, () -> String.valueOf(result.get()));
        long grandchild = Long.parseLong(((String) result.get()).trim());
        ProcessHandle.of(grandchild).ifPresent(ProcessHandle::destroyForcibly);
        assertEquals(0, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void aVirtualThreadReadingStdoutParksAndThenGetsTheOutput() throws Exception {
        Subprocess p = Jipc.spawn("sh", "-c", "sleep 2; echo done");
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = readAll(p.stdout(), result);
        TestSupport.awaitParked(reader);
        assertTrue(p.isAlive());
        reader.join();
        assertEquals("done\n", result.get());
        p.join();
        assertEquals(0, p.exitCode().orElseThrow());
        p.close();
    }

    @Test
    void blockedReadersHoldNoCarrier() throws Exception {
        // More parked readers than carriers (parallelism 2): the thread that unblocks them must still run.
        int n = 6;
        List<Subprocess> children = new ArrayList<>();
        List<Thread> readers = new ArrayList<>();
        List<AtomicReference<Object>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Subprocess p = Jipc.spawn("sh", "-c", "read line; echo \"got $line\"");
            AtomicReference<Object> result = new AtomicReference<>();
            children.add(p);
            results.add(result);
            readers.add(readAll(p.stdout(), result));
        }
        for (Thread t : readers) {
            TestSupport.awaitParked(t);
        }
        Thread feeder = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < n; i++) {
                    children.get(i).stdin().write(("line" + i + "\n").getBytes(UTF_8));
                    children.get(i).stdin().close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        feeder.join();
        for (int i = 0; i < n; i++) {
            readers.get(i).join();
            assertEquals("got line" + i + "\n", results.get(i).get());
            children.get(i).join();
            assertEquals(0, children.get(i).exitCode().orElseThrow());
            children.get(i).close();
        }
    }

    @Test
    void stdoutOfAChildKilledWhileAReaderWaitsEnds() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        AtomicReference<Object> result = new AtomicReference<>();
        Thread reader = readAll(p.stdout(), result);
        TestSupport.awaitParked(reader);
        p.kill();
        reader.join();
        assertEquals("", result.get());
        p.join();
        p.close();
    }

    @Test
    void closedStdoutKillsWriterWithSigpipe() throws Exception {
        // SIGPIPE is at its default in the child (the JVM's own handling does not leak into it).
        Subprocess yes = Jipc.spawn(SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStderr(Redirect.DISCARD),
                "yes");
        byte[] some = new byte[4];
        int got = yes.stdout().readNBytes(some, 0, 4);
        assertEquals(4, got);
        assertEquals("y\ny\n", new String(some, UTF_8));
        yes.stdout().close();
        yes.join();
        assertEquals(new ExitStatus.Signaled(SIGPIPE, false), yes.onExit().get());
        yes.close();
    }

    // ---------------------------------------------------------------- redirects, environment, directory

    @Test
    void redirectsThatAreNotPipesGiveNullStreams() throws Exception {
        Subprocess d = Jipc.spawn(SpawnOptions.defaults(), "true");
        assertNotNull(d.stdin());
        assertNotNull(d.stdout());
        assertNull(d.stderr(), "stderr is INHERIT by default");
        d.join();
        d.close();

        Subprocess q = Jipc.spawn(QUIET, "sh", "-c", "echo hidden; echo hidden >&2");
        assertNull(q.stdin());
        assertNull(q.stdout());
        assertNull(q.stderr());
        q.join();
        assertEquals(0, q.exitCode().orElseThrow());
        q.close();

        Subprocess i = Jipc.spawn(SpawnOptions.defaults().withStdout(Redirect.INHERIT).withStdin(Redirect.INHERIT)
                .withStderr(Redirect.PIPE), "true");
        assertNull(i.stdin());
        assertNull(i.stdout());
        assertNotNull(i.stderr());
        i.join();
        i.close();
    }

    @Test
    void redirectsReachTheRightFiles() throws Exception {
        Subprocess q = Jipc.spawn(SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD)
                .withStderr(Redirect.INHERIT), "sleep", "30");
        try {
            Path fds = Path.of("/proc/" + q.pid() + "/fd");
            assertEquals("/dev/null", Files.readSymbolicLink(fds.resolve("0")).toString());
            assertEquals("/dev/null", Files.readSymbolicLink(fds.resolve("1")).toString());
            assertEquals(Files.readSymbolicLink(Path.of("/proc/self/fd/2")),
                    Files.readSymbolicLink(fds.resolve("2")));
        } finally {
            q.kill();
            q.join();
            q.close();
        }
    }

    @Test
    void discardedStdinReadsEndOfFile() throws Exception {
        Subprocess cat = Jipc.spawn(SpawnOptions.defaults().withStdin(Redirect.DISCARD), "cat");
        assertEquals(0, cat.stdout().readAllBytes().length);
        cat.join();
        assertEquals(0, cat.exitCode().orElseThrow());
        cat.close();
    }

    @Test
    void anEnvironmentIsTheWholeEnvironment() throws Exception {
        assertEquals("FOO=bar\n", run(SpawnOptions.defaults().withEnvironment(Map.of("FOO", "bar")), "/usr/bin/env"));
        assertEquals("", run(SpawnOptions.defaults().withEnvironment(Map.of()), "/usr/bin/env"));
        // The program is still looked up on the parent's PATH, even though the child has none.
        assertEquals("FOO=bar\n", run(SpawnOptions.defaults().withEnvironment(Map.of("FOO", "bar")), "env"));
        assertEquals("bar baz\n", run(SpawnOptions.defaults().withEnvironment(Map.of("FOO", "bar baz")),
                "/bin/sh", "-c", "echo \"$FOO\""));
    }

    @Test
    void aNullEnvironmentInherits() throws Exception {
        String env = run(SpawnOptions.defaults(), "/usr/bin/env", "-0");
        Map<String, String> inherited = new java.util.HashMap<>();
        for (String entry : env.split("\0")) {
            int eq = entry.indexOf('=');
            inherited.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        assertEquals(System.getenv("PATH"), inherited.get("PATH"));
        assertEquals(System.getenv(), inherited);
    }

    @Test
    void aDirectoryIsTheWorkingDirectory() throws Exception {
        assertEquals("/tmp\n", run(SpawnOptions.defaults().withDirectory(Path.of("/tmp")), "pwd"));
        assertEquals(Path.of("").toAbsolutePath() + "\n", run(SpawnOptions.defaults(), "pwd"));
    }

    // ---------------------------------------------------------------- the child's start state

    @Test
    void theChildStartsWithDefaultSignalsAndAnEmptyMask() throws Exception {
        Subprocess p = Jipc.spawn("sleep", "30");
        try {
            Map<String, String> status = procStatus(p.pid());
            assertEquals("0000000000000000", status.get("SigBlk"), "signal mask of the child");
            assertEquals("0000000000000000", status.get("SigIgn"), "ignored signals of the child");
            assertEquals("0000000000000000", status.get("SigCgt"), "caught signals of sleep");
        } finally {
            p.kill();
            p.join();
            p.close();
        }
    }

    @Test
    void theChildHasExactlyFdsZeroOneTwo() throws Exception {
        // Open some extra fds here (close-on-exec and not) to make leaks likely.
        try (Pipe<String> pipe = Jipc.pipe(); java.io.FileInputStream extra = new java.io.FileInputStream("/dev/null")) {
            for (SpawnOptions options : List.of(SpawnOptions.defaults(), QUIET,
                    SpawnOptions.defaults().withStderr(Redirect.PIPE))) {
                Subprocess p = Jipc.spawn(options, "sleep", "30");
                try {
                    // sleep opens and closes files of its own as it starts (locale data): wait for it to
                    // settle; an fd leaked into it would stay for good.
                    assertEquals(Set.of("0", "1", "2"), settledFds(p.pid(), 3), "fds of the child with " + options);
                } finally {
                    p.kill();
                    p.join();
                    p.close();
                }
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Runs a command to its end and returns its stdout. */
    private static String run(SpawnOptions options, String... command) throws Exception {
        Subprocess p = Jipc.spawn(options, command);
        String out = new String(p.stdout().readAllBytes(), UTF_8);
        p.join();
        assertEquals(0, p.exitCode().orElseThrow(), () -> String.join(" ", command) + " failed: " + out);
        p.close();
        return out;
    }

    /** @return the state letter of {@code pid} in /proc, or null if there is no such process */
    private static Character procState(long pid) throws IOException {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (NoSuchFileException e) {
            return null;
        }
        String rest = stat.substring(stat.lastIndexOf(')') + 1).trim();
        return rest.charAt(0);
    }

    private static Map<String, String> procStatus(long pid) throws IOException {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }

    private static Set<String> childFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            Set<String> names = new TreeSet<>();
            fds.forEach(f -> names.add(f.getFileName().toString()));
            return names;
        }
    }

    /** @return the child's fds once they are {@code 0..count-1}, or after 5 s whatever they are then, with their targets */
    private static Set<String> settledFds(long pid, int count) throws Exception {
        Set<String> expected = new TreeSet<>();
        for (int i = 0; i < count; i++) {
            expected.add(String.valueOf(i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Set<String> fds = childFds(pid);
        while (!fds.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            fds = childFds(pid);
        }
        if (fds.equals(expected)) {
            return fds;
        }
        Set<String> described = new TreeSet<>();
        for (String fd : fds) {
            try {
                described.add(fd + " -> " + Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)));
            } catch (IOException e) {
                described.add(fd + " (gone)");
            }
        }
        return described;
    }

    /** @return the open-file flags (octal in fdinfo) of {@code fd} of {@code pid} */
    private static int fdFlags(long pid, int fd) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/fdinfo/" + fd))) {
            if (line.startsWith("flags:")) {
                return Integer.parseInt(line.substring(6).trim(), 8);
            }
        }
        throw new AssertionError("no flags in fdinfo of " + pid + "/" + fd);
    }

    /** Reads {@code in} to its end on a new virtual thread; the text (UTF-8) or what was thrown lands in {@code result}. */
    private static Thread readAll(java.io.InputStream in, AtomicReference<Object> result) {
        return Thread.ofVirtual().start(() -> {
            try {
                result.set(new String(in.readAllBytes(), UTF_8));
            } catch (Throwable t) {
                result.set(t);
            }
        });
    }
}
