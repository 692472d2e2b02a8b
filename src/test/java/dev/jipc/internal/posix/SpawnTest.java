package dev.jipc.internal.posix;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.ExitStatus;
import dev.jipc.internal.pipe.PipeInputStream;
import dev.jipc.testing.TestSupport;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The raw posix_spawn wrapper: fd mapping, closefrom, chdir, signal state, errno on failure. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpawnTest {
    private static final int SIGUSR1 = 10;
    private static final int SIGURG = 23; // default action is "ignore": SIG_IGN-ing it briefly changes nothing
    /** Bits of signals 32 and 33 in /proc's masks. */
    private static final long GLIBC_INTERNAL = (1L << 31) | (1L << 32);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle PTHREAD_SIGMASK = LINKER.downcallHandle(
            LINKER.defaultLookup().find("pthread_sigmask").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("signal").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

    @Test
    void mapsFdsAndReportsTheExitStatus() throws Exception {
        int[] out = Posix.pipe();
        int[] err = Posix.pipe();
        int pid;
        try {
            pid = Spawn.spawn("/bin/sh", false, List.of("sh", "-c", "echo out; echo err >&2; exit 3"), null, null,
                    new int[] {Spawn.DEV_NULL, out[1], err[1]});
        } finally {
            Posix.close(out[1]);
            Posix.close(err[1]);
        }
        try (PipeInputStream o = new PipeInputStream(out[0]); PipeInputStream e = new PipeInputStream(err[0])) {
            assertEquals("out\n", new String(o.readAllBytes(), UTF_8));
            assertEquals("err\n", new String(e.readAllBytes(), UTF_8));
        }
        assertEquals(new ExitStatus.Exited(3), waitFor(pid));
    }

    @Test
    void swappedFdsAreStagedSoThatNoMappingOverwritesAnothersSource() throws Exception {
        int[] a = Posix.pipe();
        int[] b = Posix.pipe();
        int lo = Math.min(a[1], b[1]);
        int hi = Math.max(a[1], b[1]);
        int[] fds = new int[hi + 1];
        Arrays.fill(fds, Spawn.DEV_NULL);
        fds[lo] = hi; // the child's fd lo is our fd hi, and the other way round
        fds[hi] = lo;
        int pid;
        try {
            pid = Spawn.spawn("/bin/sh", false, // (dash has no ">&N" for N > 9)
                    List.of("sh", "-c", "echo to-hi >/proc/self/fd/" + lo + "; echo to-lo >/proc/self/fd/" + hi), null, null, fds);
        } finally {
            Posix.close(a[1]);
            Posix.close(b[1]);
        }
        int loRead = a[1] == lo ? a[0] : b[0];
        int hiRead = a[1] == hi ? a[0] : b[0];
        try (PipeInputStream toLo = new PipeInputStream(loRead); PipeInputStream toHi = new PipeInputStream(hiRead)) {
            assertEquals("to-lo\n", new String(toLo.readAllBytes(), UTF_8));
            assertEquals("to-hi\n", new String(toHi.readAllBytes(), UTF_8));
        }
        assertEquals(new ExitStatus.Exited(0), waitFor(pid));
    }

    @Test
    void theChildHasOnlyTheMappedFds() throws Exception {
        int[] extra = Posix.pipe(); // close-on-exec: gone anyway
        int[] inheritable = Posix.pipe();
        int notCloexec = inheritable[0];
        Posix.fcntl(notCloexec, dev.jipc.internal.libc.Libc.F_SETFD(), 0); // an fd a careless library left inheritable
        int pid = Spawn.spawn("/bin/sleep", false, List.of("sleep", "30"), null, null,
                new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL});
        try {
            // sleep opens and closes files of its own as it starts (locale data): wait for it to settle.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            Set<String> fds = childFds(pid);
            while (!fds.equals(Set.of("0", "1", "2", "3")) && System.nanoTime() < deadline) {
                Thread.sleep(10);
                fds = childFds(pid);
            }
            assertEquals(Set.of("0", "1", "2", "3"), fds);
            for (int fd = 0; fd < 4; fd++) {
                assertEquals("/dev/null", Files.readSymbolicLink(Path.of("/proc/" + pid + "/fd/" + fd)).toString());
            }
        } finally {
            Processes.kill(pid, Processes.SIGKILL);
            assertEquals(new ExitStatus.Signaled(9, false), waitFor(pid));
            Posix.close(extra[0]);
            Posix.close(extra[1]);
            Posix.close(inheritable[0]);
            Posix.close(inheritable[1]);
        }
    }

    @Test
    void theChildStartsWithDefaultDispositionsAndAnEmptyMaskWhateverTheParentHas() throws Exception {
        AtomicReference<Object> result = new AtomicReference<>();
        // A platform thread of our own: its mask may be changed without disturbing anyone.
        Thread t = Thread.ofPlatform().start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment set = arena.allocate(128);
                set.set(ValueLayout.JAVA_LONG, 0, 1L << (SIGUSR1 - 1));
                assertEquals(0, (int) PTHREAD_SIGMASK.invokeExact(0 /* SIG_BLOCK */, set, MemorySegment.NULL));
                MemorySegment old = (MemorySegment) SIGNAL.invokeExact(SIGURG, MemorySegment.ofAddress(1) /* SIG_IGN */);
                int pid;
                try {
                    Map<String, String> self = procStatus("thread-self");
                    assertTrue((Long.parseLong(self.get("SigBlk"), 16) & (1L << (SIGUSR1 - 1))) != 0, self.toString());
                    assertTrue((Long.parseLong(self.get("SigIgn"), 16) & (1L << (SIGURG - 1))) != 0, self.toString());
                    pid = Spawn.spawn("/bin/sleep", false, List.of("sleep", "30"), null, null,
                            new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL});
                } finally {
                    MemorySegment ignored = (MemorySegment) SIGNAL.invokeExact(SIGURG, old);
                }
                try {
                    result.set(procStatus(String.valueOf(pid)));
                } finally {
                    Processes.kill(pid, Processes.SIGKILL);
                    waitFor(pid);
                }
            } catch (Throwable e) {
                result.set(e);
            }
        });
        t.join();
        if (result.get() instanceof Throwable e) {
            throw new AssertionError(e);
        }
        @SuppressWarnings("unchecked")
        Map<String, String> status = (Map<String, String>) result.get();
        assertEquals("0000000000000000", status.get("SigBlk"), "the child's signal mask");
        long ignored = Long.parseLong(status.get("SigIgn"), 16);
        assertEquals(0, ignored & ~GLIBC_INTERNAL, "the child's ignored signals: " + status.get("SigIgn"));
        assertEquals("0000000000000000", status.get("SigCgt"));
    }

    /**
     * glibc's sigfillset leaves out its internal signals 32 (SIGCANCEL) and 33 (SIGSETXID), so a
     * set made by it and given to posix_spawnattr_setsigdefault does not reset them, and glibc's
     * spawn helper, which runs with every signal blocked, sets them to SIG_IGN, which survives exec.
     */
    @Test
    void glibcsInternalSignalsAreNotLeftIgnoredInTheChild() throws Exception {
        int pid = Spawn.spawn("/bin/sleep", false, List.of("sleep", "30"), null, null,
                new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL});
        try {
            Map<String, String> status = procStatus(String.valueOf(pid));
            assertEquals(0, Long.parseLong(status.get("SigIgn"), 16) & GLIBC_INTERNAL,
                    "signals 32/33 ignored in the child: SigIgn " + status.get("SigIgn"));
        } finally {
            Processes.kill(pid, Processes.SIGKILL);
            waitFor(pid);
        }
    }

    @Test
    void aWorkingDirectoryIsEnteredBeforeExec() throws Exception {
        int[] out = Posix.pipe();
        int pid;
        try {
            pid = Spawn.spawn("pwd", true, List.of("pwd"), null, "/tmp", new int[] {Spawn.DEV_NULL, out[1], Spawn.DEV_NULL});
        } finally {
            Posix.close(out[1]);
        }
        try (PipeInputStream o = new PipeInputStream(out[0])) {
            assertEquals("/tmp\n", new String(o.readAllBytes(), UTF_8));
        }
        assertEquals(new ExitStatus.Exited(0), waitFor(pid));
    }

    @Test
    void anEnvironmentListIsTheWholeEnvironment() throws Exception {
        int[] out = Posix.pipe();
        int pid;
        try {
            pid = Spawn.spawn("/usr/bin/env", false, List.of("env"), List.of("A=1", "B=two words"), null,
                    new int[] {Spawn.DEV_NULL, out[1], Spawn.DEV_NULL});
        } finally {
            Posix.close(out[1]);
        }
        try (PipeInputStream o = new PipeInputStream(out[0])) {
            assertEquals("A=1\nB=two words\n", new String(o.readAllBytes(), UTF_8));
        }
        assertEquals(new ExitStatus.Exited(0), waitFor(pid));
    }

    @Test
    void failuresAreErrnoExceptionsAndLeaveNoZombieAndNoFd() throws IOException {
        int[] devNull = {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL};
        java.util.Set<Integer> before = TestSupport.openFdNumbers();
        ErrnoException missing = assertThrows(ErrnoException.class, () ->
                Spawn.spawn("no-such-program-jipc", true, List.of("no-such-program-jipc"), null, null, devNull));
        assertEquals("ENOENT", missing.errnoName());
        ErrnoException notSearched = assertThrows(ErrnoException.class, () ->
                Spawn.spawn("sleep", false, List.of("sleep", "1"), null, null, devNull));
        assertEquals("ENOENT", notSearched.errnoName(), "without searchPath, a bare name is not looked up on PATH");
        ErrnoException badDir = assertThrows(ErrnoException.class, () ->
                Spawn.spawn("/bin/true", false, List.of("true"), null, "/nonexistent-dir", devNull));
        assertEquals("ENOENT", badDir.errnoName());
        ErrnoException notDir = assertThrows(ErrnoException.class, () ->
                Spawn.spawn("/bin/true", false, List.of("true"), null, "/etc/passwd", devNull));
        assertEquals("ENOTDIR", notDir.errnoName());
        ErrnoException directory = assertThrows(ErrnoException.class, () ->
                Spawn.spawn("/tmp", false, List.of("tmp"), null, null, devNull));
        assertEquals("EACCES", directory.errnoName());
        java.util.Set<Integer> added = TestSupport.openFdNumbers();
        added.removeAll(before); // the JVM may close an fd of its own meanwhile: only an added one is a leak
        assertEquals(java.util.Set.of(), added, "fds the failed spawns left open");
        assertEquals(List.of(), TestSupport.zombieChildren());
    }

    @Test
    void reapOfARunningChildIsNullAndTouchesNoOtherPid() throws Exception {
        int a = Spawn.spawn("/bin/sleep", false, List.of("sleep", "30"), null, null,
                new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL});
        int b = Spawn.spawn("/bin/true", false, List.of("true"), null, null,
                new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL, Spawn.DEV_NULL});
        assertNull(Processes.reap(a));
        assertEquals(new ExitStatus.Exited(0), waitFor(b));
        assertNull(Processes.reap(a));
        Processes.kill(a, Processes.SIGTERM);
        assertEquals(new ExitStatus.Signaled(15, false), waitFor(a));
        ErrnoException again = assertThrows(ErrnoException.class, () -> Processes.reap(a));
        assertEquals("ECHILD", again.errnoName());
    }

    // ---------------------------------------------------------------- helpers

    /** Blocks until {@code pid} exits, then reaps it. */
    private static ExitStatus waitFor(int pid) throws ErrnoException {
        Processes.awaitExit(pid);
        return Processes.reap(pid);
    }

    private static Set<String> childFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            Set<String> names = new TreeSet<>();
            fds.forEach(f -> names.add(f.getFileName().toString()));
            return names;
        }
    }

    private static Map<String, String> procStatus(String pid) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return fields;
    }
}
