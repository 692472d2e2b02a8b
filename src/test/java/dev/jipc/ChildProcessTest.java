package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.TestSupport;
import java.io.NotSerializableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Java children: the gipc behaviours, handle transfer, daemons. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ChildProcessTest {

    @Test
    void readmeExampleRuns() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            PipeReader<Integer> reader = pipe.reader();
            ChildProcess child = Jipc.startProcess(() -> {
                if (reader.get() != 0) throw new AssertionError();
            });
            pipe.writer().putAsync(0);           // gipc's writer greenlet
            child.join();                        // throws InterruptedException
            assertEquals(0, child.exitCode().getAsInt());
        }
    }

    @Test
    void childGetsAMessageAndAnswers() throws Exception {
        try (Pipe<String> down = Jipc.pipe(); Pipe<String> up = Jipc.pipe()) {
            PipeReader<String> in = down.reader();
            PipeWriter<String> out = up.writer();
            ChildProcess child = Jipc.startProcess(() -> out.put(in.get().toUpperCase()));
            assertTrue(in.isClosed(), "a handed handle is closed in the parent");
            assertTrue(out.isClosed(), "a handed handle is closed in the parent");
            down.writer().put("hello");
            assertEquals("HELLO", up.reader().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            assertEquals(new ExitStatus.Exited(0), child.onExit().get());
        }
    }

    @Test
    void childThatThrowsExitsWithOne() throws Exception {
        ChildProcess child = Jipc.startProcess(() -> {
            throw new IllegalStateException("expected by the test: the child fails");
        });
        child.join();
        assertEquals(1, child.exitCode().getAsInt());
    }

    @Test
    void systemExitStatusIsTheExitCode() throws Exception {
        ChildProcess child = Jipc.startProcess(() -> System.exit(3));
        child.join();
        assertEquals(3, child.exitCode().getAsInt());
        assertEquals(new ExitStatus.Exited(3), child.onExit().get());
    }

    @Test
    void childExitsOnlyWhenItsNonDaemonThreadsEnd(@TempDir Path dir) throws Exception {
        String marker = dir.resolve("late").toString();
        ChildProcess child = Jipc.startProcess(() -> new Thread(() -> {
            try {
                Thread.sleep(300);
                Files.writeString(Path.of(marker), "written after the task returned");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }).start());
        child.join();
        assertEquals(0, child.exitCode().getAsInt());
        assertTrue(Files.exists(Path.of(marker)));
    }

    @Test
    void killGivesMinusNineAndSignaled() throws Exception {
        ChildProcess child = Jipc.startProcess(() -> Thread.sleep(60_000));
        assertTrue(child.isAlive());
        assertTrue(child.exitCode().isEmpty());
        child.kill();
        child.join();
        assertFalse(child.isAlive());
        assertEquals(-9, child.exitCode().getAsInt());
        assertEquals(new ExitStatus.Signaled(9, false), child.onExit().get());
        child.kill(); // reaped: a no-op, never a signal to a recycled pid
        child.close();
    }

    @Test
    void joinTimesOutThenTerminateEndsTheChildWithoutShutdownHooks(@TempDir Path dir) throws Exception {
        String marker = dir.resolve("hook-ran").toString();
        try (Pipe<String> ready = Jipc.pipe()) {
            PipeWriter<String> readyWriter = ready.writer();
            ChildProcess child = Jipc.startProcess(() -> {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Files.writeString(Path.of(marker), "ran");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
                readyWriter.put("hook installed");
                Thread.sleep(60_000);
            });
            assertEquals("hook installed", ready.reader().get());
            assertFalse(child.join(Duration.ofMillis(300)));
            assertTrue(child.isAlive());
            assertThrows(IllegalStateException.class, child::close);
            child.terminate();
            assertTrue(child.join(Duration.ofSeconds(30)));
            assertEquals(-15, child.exitCode().getAsInt());
            assertEquals(new ExitStatus.Signaled(15, false), child.onExit().get());
            assertFalse(Files.exists(Path.of(marker)), "terminate() ran the child's shutdown hooks");
            child.close();
            assertFalse(child.isAlive());
            assertEquals(-15, child.exitCode().getAsInt());
            child.join();
        }
    }

    @Test
    void childInChildInChildPassesMessagesDownAndUp() throws Exception {
        try (DuplexPipe<String> pipe = Jipc.duplexPipe()) {
            DuplexHandle<String> toChild = pipe.second();
            ChildProcess child = Jipc.startProcess(() -> relay(toChild, 2));
            pipe.first().put("m");
            assertEquals("m>0>1>2<2<1<0", pipe.first().get());
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        }
    }

    /** Gets a message from above, passes it down {@code depth} more children and the answer back up. */
    private static void relay(DuplexHandle<String> above, int depth) throws Exception {
        String m = above.get() + ">" + (2 - depth);
        if (depth == 0) {
            above.put(m + "<" + (2 - depth));
            return;
        }
        try (DuplexPipe<String> pipe = Jipc.duplexPipe()) {
            DuplexHandle<String> below = pipe.second();
            ChildProcess child = Jipc.startProcess(() -> relay(below, depth - 1));
            pipe.first().put(m);
            String answer = pipe.first().get();
            child.join();
            if (child.exitCode().getAsInt() != 0) {
                throw new AssertionError("grandchild failed");
            }
            above.put(answer + "<" + (2 - depth));
        }
    }

    @Test
    void twoChildrenTalkOverAPipeTheParentCreated() throws Exception {
        try (Pipe<Integer> between = Jipc.pipe(); Pipe<Integer> result = Jipc.pipe()) {
            PipeWriter<Integer> w = between.writer();
            PipeReader<Integer> r = between.reader();
            PipeWriter<Integer> back = result.writer();
            ChildProcess producer = Jipc.startProcess(() -> {
                for (int i = 1; i <= 100; i++) {
                    w.put(i);
                }
            });
            ChildProcess consumer = Jipc.startProcess(() -> {
                int sum = 0;
                for (int i = 0; i < 100; i++) {
                    sum += r.get();
                }
                back.put(sum);
            });
            assertEquals(5050, result.reader().get());
            producer.join();
            consumer.join();
            assertEquals(0, producer.exitCode().getAsInt());
            assertEquals(0, consumer.exitCode().getAsInt());
        }
    }

    @Test
    void duplexEchoChild() throws Exception {
        try (DuplexPipe<Object> pipe = Jipc.duplexPipe(Codec.foryTrusted())) {
            DuplexHandle<Object> remote = pipe.second();
            ChildProcess child = Jipc.startProcess(() -> {
                Object m;
                while (!"stop".equals(m = remote.get())) {
                    remote.put(m);
                }
            });
            List<Object> messages = List.of("a", 1, List.of(1, 2), Map.of("k", "v"), new byte[0].length);
            for (Object m : messages) {
                pipe.first().put(m);
                assertEquals(m, pipe.first().get());
            }
            pipe.first().put("stop");
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        }
    }

    @Test
    void childThatExitsEarlyMakesTheParentsGetPeerClosed() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            PipeWriter<String> w = pipe.writer();
            ChildProcess child = Jipc.startProcess(() -> w.put("only one"));
            assertEquals("only one", pipe.reader().get());
            assertThrows(PeerClosedException.class, () -> pipe.reader().get());
            child.join();
        }
    }

    @Test
    void childFdsAreStdioTheHandedOnesAndTheJvmsOwn(@TempDir Path dir) throws Exception {
        String bare = dir.resolve("bare").toString();
        String handed = dir.resolve("handed").toString();
        ChildProcess nothing = Jipc.startProcess(() -> Files.writeString(Path.of(bare), fdListing()));
        nothing.join();
        assertEquals(0, nothing.exitCode().getAsInt());
        try (Pipe<byte[]> a = Jipc.pipe(Codec.raw()); DuplexPipe<byte[]> b = Jipc.duplexPipe(Codec.raw())) {
            PipeReader<byte[]> r = a.reader();
            DuplexHandle<byte[]> d = b.first();
            ChildProcess some = Jipc.startProcess(() -> {
                if (r.isClosed() || d.isClosed()) {
                    throw new AssertionError("handles arrived closed");
                }
                Files.writeString(Path.of(handed), fdListing());
            });
            some.join();
            assertEquals(0, some.exitCode().getAsInt());
        }
        Map<Integer, String> without = parse(Files.readString(Path.of(bare)));
        Map<Integer, String> with = parse(Files.readString(Path.of(handed)));
        for (int fd = 0; fd <= 2; fd++) {
            assertTrue(without.containsKey(fd) && with.containsKey(fd), "stdio fd " + fd);
        }
        assertEquals(List.of(), without.entrySet().stream() // fd 3 may be reused by the JVM for a file
                .filter(e -> e.getKey() > 2 && e.getValue().startsWith("pipe:")).toList(),
                "the bootstrap pipe is closed once read, and nothing else is inherited");
        List<String> handedTargets = new ArrayList<>();
        for (int fd = 4; fd <= 6; fd++) {
            assertTrue(with.get(fd).startsWith("pipe:"), "handed fd " + fd + " is " + with.get(fd));
            handedTargets.add("pipe");
        }
        List<String> expected = new ArrayList<>(normalized(without));
        expected.addAll(handedTargets);
        expected.sort(null);
        assertEquals(expected, normalized(with), "the child has pipes or sockets beyond stdio and its handles");
    }

    private static String fdListing() throws Exception {
        StringBuilder s = new StringBuilder();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : fds.toList()) {
                try {
                    s.append(p.getFileName()).append(' ').append(Files.readSymbolicLink(p)).append('\n');
                } catch (java.io.IOException gone) {
                    // the listing's own directory fd
                }
            }
        }
        return s.toString();
    }

    private static Map<Integer, String> parse(String listing) {
        Map<Integer, String> fds = new java.util.TreeMap<>();
        for (String line : listing.split("\n")) {
            if (!line.isBlank()) {
                int space = line.indexOf(' ');
                fds.put(Integer.parseInt(line.substring(0, space)), line.substring(space + 1));
            }
        }
        return fds;
    }

    private static List<String> normalized(Map<Integer, String> fds) {
        return fds.values().stream()
                // files and anon inodes are the JVM's own, opened as it needs them: a trained warm child
                // has opened /dev/urandom and an eventfd that a fresh cold one has not; pipes and sockets
                // are what a child could inherit
                .filter(t -> t.startsWith("pipe:") || t.startsWith("socket:"))
                .map(t -> t.replaceAll(":\\[\\d+]", "")) // pipe:[1234] -> pipe
                .sorted().toList();
    }

    @Test
    @Timeout(value = 900, unit = TimeUnit.SECONDS) // 200 JVM starts: about a minute on a quiet 2-core machine, 5 under load
    void twoHundredStartAndJoinCyclesLeaveTheFdCountUnchanged() throws Exception {
        Jipc.startProcess(() -> { }).join(); // warm-up: reactor, spawner threads
        Thread.sleep(2_000); // under -Djipc.warmChildren, the spare set's first spare is spawned by now
        long before = TestSupport.openFds();
        for (int i = 0; i < 200; i++) {
            try (Pipe<Integer> pipe = Jipc.pipe()) {
                PipeWriter<Integer> w = pipe.writer();
                int n = i;
                ChildProcess child = Jipc.startProcess(() -> w.put(n));
                assertEquals(i, pipe.reader().get());
                child.join();
                child.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20); // a replacement spare boots 1 s after a take
        while (TestSupport.openFds() != before && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    void handedFdsAreCloseOnExecBeforeTheTaskRuns() throws Exception {
        try (Pipe<String> in = Jipc.pipe(); Pipe<Object> out = Jipc.pipe(Codec.foryTrusted())) {
            PipeReader<String> r = in.reader();
            PipeWriter<Object> w = out.writer();
            ChildProcess child = Jipc.startProcess(() -> { // first thing: a grandchild spawned now would inherit
                List<String> flags = new ArrayList<>();
                for (Handle h : List.<Handle>of(r, w)) {
                    String fd = h.toString().replaceAll("^.*?fd (\\d+).*$", "$1");
                    String info = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
                    String octal = info.lines().filter(l -> l.startsWith("flags:")).findFirst().orElseThrow()
                            .substring(6).trim();
                    flags.add((Integer.parseInt(octal, 8) & 02000000) != 0 ? "cloexec" : "inherited by exec: fd " + fd);
                }
                w.put(flags);
            }, ChildOptions.defaults().withJvmOptions("-Djipc.test.cloexecDelayMillis=500")); // a wide race
            assertEquals(List.of("cloexec", "cloexec"), out.reader().get());
            child.join();
        }
    }

    @Test
    void namesDefaultToProcessNCountingUp() {
        ChildProcess a = Jipc.startProcess(() -> { });
        ChildProcess b = Jipc.startProcess(() -> { });
        ChildProcess c = Jipc.startProcess(() -> { }, ChildOptions.defaults().withName("worker"));
        assertTrue(a.name().matches("Process-\\d+"), a.name());
        int na = Integer.parseInt(a.name().substring(8));
        int nb = Integer.parseInt(b.name().substring(8));
        assertTrue(nb > na);
        assertEquals("worker", c.name());
        assertFalse(a.isDaemon());
        for (ChildProcess p : List.of(a, b, c)) {
            assertNotEquals(0, p.pid());
            p.onExit().join();
        }
    }

    @Test
    void environmentIsExactlyTheGivenMap() throws Exception {
        try (Pipe<Object> pipe = Jipc.pipe(Codec.foryTrusted())) {
            PipeWriter<Object> w = pipe.writer();
            ChildProcess child = Jipc.startProcess(() -> w.put(new java.util.TreeMap<>(System.getenv())),
                    ChildOptions.defaults().withEnvironment(Map.of("JIPC_TEST", "yes")));
            assertEquals(Map.of("JIPC_TEST", "yes"), pipe.reader().get());
            child.join();
        }
    }

    @Test
    void jvmOptionsReachTheChild() throws Exception {
        try (Pipe<String> pipe = Jipc.pipe()) {
            PipeWriter<String> w = pipe.writer();
            ChildProcess child = Jipc.startProcess(() -> w.put(System.getProperty("jipc.test.flag")),
                    ChildOptions.defaults().withJvmOptions("-Djipc.test.flag=on"));
            assertEquals("on", pipe.reader().get());
            child.join();
        }
    }

    @Test
    void closedCapturedHandleIsRefusedAndNothingIsSpawned() {
        long before = ProcessHandle.current().children().count();
        Pipe<String> pipe = Jipc.pipe();
        PipeReader<String> r = pipe.reader();
        r.close();
        assertThrows(HandleClosedException.class, () -> Jipc.startProcess(() -> r.get()));
        assertEquals(before, ProcessHandle.current().children().count());
        pipe.close();
    }

    @Test
    void busyCapturedHandleIsLockedAndStaysUsable() throws Exception {
        long before = ProcessHandle.current().children().count();
        try (Pipe<String> pipe = Jipc.pipe()) {
            PipeReader<String> r = pipe.reader();
            CompletableFuture<String> pending = r.getAsync();
            Thread.sleep(50); // the async get is parked on the reader
            assertThrows(HandleLockedException.class, () -> Jipc.startProcess(() -> r.get()));
            assertEquals(before, ProcessHandle.current().children().count());
            assertFalse(r.isClosed());
            pipe.writer().put("still usable");
            assertEquals("still usable", pending.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void unserializableCaptureIsAnIpcExceptionCausedByNotSerializable() {
        Object notSerializable = new Object();
        IpcException e = assertThrows(IpcException.class,
                () -> Jipc.startProcess(() -> System.out.println(notSerializable)));
        assertInstanceOf(NotSerializableException.class, e.getCause());
    }

    @Test
    void daemonChildDiesWithItsParentEvenBySigkill() throws Exception {
        try (Pipe<Long> pipe = Jipc.pipe()) {
            PipeWriter<Long> w = pipe.writer();
            ChildProcess parent = Jipc.startProcess(() -> {
                ChildProcess daemon = Jipc.startProcess(() -> Thread.sleep(120_000),
                        ChildOptions.defaults().withDaemon(true));
                w.put(daemon.pid());
                Thread.sleep(120_000);
            });
            long daemonPid = pipe.reader().get();
            assertTrue(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false));
            parent.kill();
            parent.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(ProcessHandle.of(daemonPid).map(ProcessHandle::isAlive).orElse(false),
                    "the daemon child outlived its SIGKILLed parent by 5 s");
        }
    }

    @Test
    void nonDaemonChildOutlivesItsParent() throws Exception {
        try (Pipe<Long> pipe = Jipc.pipe()) {
            PipeWriter<Long> w = pipe.writer();
            ChildProcess parent = Jipc.startProcess(() -> {
                ChildProcess orphan = Jipc.startProcess(() -> Thread.sleep(3_000));
                w.put(orphan.pid());
            });
            long orphanPid = pipe.reader().get();
            parent.join();
            Thread.sleep(500);
            ProcessHandle orphan = ProcessHandle.of(orphanPid).orElseThrow();
            assertTrue(orphan.isAlive());
            orphan.destroyForcibly();
        }
    }

    @Test
    void daemonChildSpawnedFromAShortLivedThreadSurvivesThatThread() throws Exception {
        AtomicInteger spawned = new AtomicInteger();
        ChildProcess[] child = new ChildProcess[1];
        Thread shortLived = Thread.ofPlatform().start(() -> {
            child[0] = Jipc.startProcess(() -> Thread.sleep(60_000), ChildOptions.defaults().withDaemon(true));
            spawned.incrementAndGet();
        });
        shortLived.join();
        assertEquals(1, spawned.get());
        assertTrue(child[0].isDaemon());
        assertFalse(child[0].join(Duration.ofSeconds(2)), "the daemon child died with the thread that spawned it");
        child[0].kill();
        child[0].join();
        assertEquals(-9, child[0].exitCode().getAsInt());
    }

    @Test
    void joinUnmountsAVirtualThread() throws Exception {
        ChildProcess child = Jipc.startProcess(() -> Thread.sleep(1_000));
        CompletableFuture<Integer> code = new CompletableFuture<>();
        Thread waiter = Thread.startVirtualThread(() -> {
            try {
                child.join();
                code.complete(child.exitCode().getAsInt());
            } catch (InterruptedException e) {
                code.completeExceptionally(e);
            }
        });
        TestSupport.awaitParked(waiter);
        assertEquals(0, code.get(30, TimeUnit.SECONDS));
    }
}
