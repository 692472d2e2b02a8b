package dev.jipc.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.ExitStatus;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.testing.LogCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The shutdown hook's kill of a daemon child: a failure has nobody to throw to, so it is logged. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KillAtExitTest {

    @Test
    void aKillThatFailsAtExitIsLoggedAsAWarningWithItsCause() throws Exception {
        Subprocess p = Jipc.spawn(SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD),
                "sleep", "600");
        try (LogCapture log = new LogCapture()) {
            try (var fault = FaultInjection.inject("kill", Libc.EPERM())) {
                ((Child) p).killAtExit(); // does not throw: there is nobody to catch it
            }
            List<LogRecord> records = log.containing("jipc could not kill daemon child " + p);
            assertEquals(1, records.size(), log.records().toString());
            assertEquals(Level.WARNING, records.getFirst().getLevel());
            assertTrue(records.getFirst().getThrown().getMessage().contains("EPERM"),
                    records.getFirst().getThrown().getMessage());
            assertTrue(p.isAlive(), "the kill failed");
        } finally {
            p.kill();
        }
        assertTrue(p.join(Duration.ofSeconds(30)));
        assertEquals(new ExitStatus.Signaled(9, false), p.onExit().get());
        p.close();
    }
}
