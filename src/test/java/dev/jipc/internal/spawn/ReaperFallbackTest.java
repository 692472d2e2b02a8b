package dev.jipc.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.ExitStatus;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.internal.posix.Processes;
import dev.jipc.testing.LogCapture;
import dev.jipc.testing.TestSupport;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The supervisor without pidfds (pidfd_open failing, injected): a thread per child waits for its
 * exit, and nothing else waits for that thread.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReaperFallbackTest {
    private static final SpawnOptions QUIET = SpawnOptions.defaults()
            .withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD).withStderr(Redirect.DISCARD);
    /** Longer than any call here may take, shorter than the child sleeps: a hang, not a duration, fails. */
    private static final Duration HANG = Duration.ofSeconds(30);

    @Test
    void withoutPidfdSignalsAndTimedJoinsDoNotWaitForTheChildAndKillEndsItWithSignaledNine() throws Exception {
        Subprocess p;
        try (var fault = FaultInjection.inject("pidfd_open", Libc.ENOSYS())) {
            p = Jipc.spawn(QUIET, "sleep", "600");
        }
        try {
            awaitReaperBlockedInWaitid(p.pid());
            assertTimeoutPreemptively(HANG, () -> {
                p.signal(0); // only checks that the child is there
                assertFalse(p.join(Duration.ofMillis(10)));
                assertTrue(p.isAlive());
                p.kill();
            });
            assertTrue(p.join(HANG));
            assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
            assertEquals(List.of(), TestSupport.zombieChildren());
            p.close();
        } finally {
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly); // if kill() hung
        }
    }

    @Test
    void withoutPidfdAChildNobodyWaitsForIsReapedAndReleasedAllTheSame() throws Exception {
        Subprocess p;
        try (var fault = FaultInjection.inject("pidfd_open", Libc.EMFILE())) {
            p = Jipc.spawn(SpawnOptions.defaults().withStderr(Redirect.DISCARD), "sh", "-c", "exit 7");
        }
        assertEquals(new ExitStatus.Exited(7), p.onExit().get(30, TimeUnit.SECONDS));
        assertEquals(-1, p.stdout().read(), "stdout drained and closed at reaping");
        assertEquals(List.of(), TestSupport.zombieChildren());
        p.close();
    }

    @Test
    void theFallbackIsLoggedWithItsReasonWarningTheFirstTime() throws Exception {
        Subprocess p;
        try (LogCapture log = new LogCapture()) {
            try (var fault = FaultInjection.inject("pidfd_open", Libc.ENOSYS())) {
                p = Jipc.spawn(QUIET, "true");
            }
            List<LogRecord> records = log.containing("with a thread of its own").stream()
                    .filter(r -> r.getMessage().contains("pid " + p.pid() + ",")).toList();
            assertEquals(1, records.size(), log.records().toString());
            assertTrue(records.getFirst().getMessage().contains("ENOSYS"), records.getFirst().getMessage());
            // Once per JVM at WARNING (maybe by an earlier test here), later at DEBUG.
            assertTrue(Set.of(Level.WARNING, Level.FINE).contains(records.getFirst().getLevel()));
        }
        assertTrue(p.join(HANG));
        p.close();
    }

    /** Waits until the fallback thread of {@code pid} is inside a waitid call. */
    private static void awaitReaperBlockedInWaitid(long pid) throws InterruptedException {
        for (int i = 0; i < 30_000; i++) {
            Optional<StackTraceElement[]> stack = Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().equals("jipc-reaper-" + pid))
                    .map(java.util.Map.Entry::getValue).findFirst();
            if (stack.isPresent() && Arrays.stream(stack.get())
                    .anyMatch(f -> f.getClassName().equals(Processes.class.getName()))) {
                Thread.sleep(20); // into the system call itself
                return;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no reaper thread for " + pid + " ever waited");
    }
}
