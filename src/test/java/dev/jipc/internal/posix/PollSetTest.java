package dev.jipc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jipc.internal.libc.Libc;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PollSetTest {

    @Test
    void removingASlotMovesTheLastOneIntoItWithItsAttachmentAndInterest() {
        List<int[]> pipes = pipes(3);
        try (PollSet<String> set = new PollSet<>(1)) { // grows twice on the way
            set.add(pipes.get(0)[0], Posix.POLLIN, "a");
            set.add(pipes.get(1)[1], Posix.POLLOUT, "b");
            set.add(pipes.get(2)[0], Posix.POLLIN, "c");
            set.remove(0);
            assertEquals(2, set.size());
            assertEquals("c", set.attachment(0));
            assertEquals(pipes.get(2)[0], set.fd(0));
            assertEquals(Posix.POLLIN, set.events(0));
            assertEquals("b", set.attachment(1));
            set.remove(1); // the last: nothing moves
            assertEquals(1, set.size());
            assertEquals("c", set.attachment(0));
            assertThrows(IndexOutOfBoundsException.class, () -> set.fd(1));
        } finally {
            close(pipes);
        }
    }

    @Test
    void pollReportsEachSlotsReadinessForItsInterestInPlace() {
        List<int[]> pipes = pipes(2);
        try (PollSet<Void> set = new PollSet<>(2); Arena arena = Arena.ofConfined()) {
            set.add(pipes.get(0)[0], Posix.POLLIN, null);
            set.add(pipes.get(1)[1], (short) 0, null); // writable, but not asked yet
            assertEquals(0, set.poll(0));
            set.events(1, Posix.POLLOUT);
            assertEquals(1, set.poll(0));
            assertEquals(0, set.revents(0));
            assertEquals(Posix.POLLOUT, set.revents(1));
            assertEquals(1, Posix.write(new CallState(), pipes.get(0)[1], arena.allocate(1), 1));
            assertEquals(2, set.poll(0));
            assertEquals(Posix.POLLIN, set.revents(0));
        } finally {
            close(pipes);
        }
    }

    @Test
    void anInjectedFaultFailsTheNextPollsWithItsErrno() {
        try (PollSet<Void> set = new PollSet<>(1)) {
            try (var fault = FaultInjection.inject("poll", Libc.ENOMEM(), 1)) {
                assertEquals(-Libc.ENOMEM(), set.poll(0));
                assertEquals(0, set.poll(0), "once");
            }
        }
    }

    private static List<int[]> pipes(int n) {
        List<int[]> pipes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pipes.add(Posix.pipe());
        }
        return pipes;
    }

    private static void close(List<int[]> pipes) {
        for (int[] fds : pipes) {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }
}
