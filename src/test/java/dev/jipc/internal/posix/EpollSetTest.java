package dev.jipc.internal.posix;

import static dev.jipc.internal.posix.PollerTest.close;
import static dev.jipc.internal.posix.PollerTest.pipes;
import static dev.jipc.internal.posix.PollerTest.poll;
import static dev.jipc.internal.posix.PollerTest.writeByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What is epoll's own in {@link EpollSet}; the contract it shares with poll is {@link PollerTest}'s. */
class EpollSetTest {

    @Test
    void epollsBitsAreThePollBitsTheReactorChecks() {
        assertEquals(Posix.POLLIN, Libc.EPOLLIN());
        assertEquals(Posix.POLLOUT, Libc.EPOLLOUT());
        assertEquals(Posix.POLLERR, Libc.EPOLLERR());
        assertEquals(Posix.POLLHUP, Libc.EPOLLHUP());
    }

    @Test
    void keysAreStableAndAFreedKeyIsReused() {
        List<int[]> pipes = pipes(3);
        try (EpollSet<String> set = new EpollSet<>(1)) {
            int a = set.add(pipes.get(0)[0], Posix.POLLIN, "a");
            int b = set.add(pipes.get(1)[0], Posix.POLLIN, "b");
            assertNull(set.remove(a), "nothing moves");
            assertEquals("b", set.attachment(b));
            assertThrows(IndexOutOfBoundsException.class, () -> set.fd(a));
            int c = set.add(pipes.get(2)[0], Posix.POLLIN, "c");
            assertEquals(a, c);
            writeByte(pipes.get(0)[1]); // the removed fd's readiness is not the new entry's
            assertEquals(Map.of(), poll(set, 0));
            writeByte(pipes.get(2)[1]);
            assertEquals(Map.of("c", (int) Posix.POLLIN), poll(set, 0));
        } finally {
            close(pipes);
        }
    }

    /**
     * A registration outlives its fd when another fd refers to the same file (a dup here; a
     * child's inherited copy or a handed-over fd in life). Level-triggered, it would be reported
     * at every wait: the set drops it by rebuilding the kernel's set once.
     */
    @Test
    void aRegistrationThatOutlivesItsFdIsDroppedWhenItFires() {
        int[] fds = Posix.pipe();
        int copy = Posix.duplicate(fds[0]);
        List<int[]> others = pipes(2);
        try (EpollSet<String> set = new EpollSet<>(4)) {
            int key = set.add(fds[0], Posix.POLLIN, "closed");
            set.add(others.get(0)[0], Posix.POLLIN, "other");
            Posix.close(fds[0]);
            set.remove(key); // EBADF: the kernel keeps watching the file through the copy
            writeByte(fds[1]);
            writeByte(others.get(0)[1]);
            assertEquals(Map.of("other", (int) Posix.POLLIN), poll(set, 0));
            assertEquals(1, set.rebuilds());
            assertEquals(Map.of("other", (int) Posix.POLLIN), poll(set, 0), "still watched after the rebuild");
            assertEquals(1, set.rebuilds(), "the stale registration is gone");
            int added = set.add(others.get(1)[0], Posix.POLLIN, "added");
            writeByte(others.get(1)[1]);
            assertEquals(Map.of("other", (int) Posix.POLLIN, "added", (int) Posix.POLLIN), poll(set, 0));
            set.remove(added);
        } finally {
            Posix.close(copy);
            Posix.close(fds[1]);
            close(others);
        }
    }

    /** epoll refuses files without poll support (EPERM); poll(2) finds them always ready. */
    @Test
    void anFdEpollRefusesIsReportedReadyForWhatItIsAskedAsPollWould() {
        int[] fds = Posix.pipe();
        try (EpollSet<String> set = new EpollSet<>(1)) {
            int key;
            try (var fault = FaultInjection.inject("epoll_ctl", Libc.EPERM(), 1)) {
                key = set.add(fds[0], Posix.POLLIN, "file");
            }
            assertEquals(Map.of("file", (int) Posix.POLLIN), poll(set, -1));
            assertEquals(Map.of("file", (int) Posix.POLLIN), poll(set, -1));
            set.events(key, (short) 0); // tried anew: the kernel takes it now
            assertEquals(Map.of(), poll(set, 0));
            set.events(key, Posix.POLLIN);
            writeByte(fds[1]);
            assertEquals(Map.of("file", (int) Posix.POLLIN), poll(set, 0));
            set.remove(key);
            assertEquals(0, set.size());
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void anEpollCtlFailureOtherThanAClosedFdIsAnIpcExceptionNamingIt() {
        int[] fds = Posix.pipe();
        try (EpollSet<String> set = new EpollSet<>(1)) {
            IpcException e;
            try (var fault = FaultInjection.inject("epoll_ctl", Libc.ENOSPC(), 1)) {
                e = assertThrows(IpcException.class, () -> set.add(fds[0], Posix.POLLIN, "reader"));
            }
            assertTrue(e.getMessage().contains("epoll_ctl(ADD, " + fds[0] + "): ENOSPC"), e.getMessage());
            assertEquals(0, set.size(), "the failed add left nothing behind");
            int key = set.add(fds[0], Posix.POLLIN, "reader");
            writeByte(fds[1]);
            assertEquals(Map.of("reader", (int) Posix.POLLIN), poll(set, 0));
            set.remove(key);
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void aWaitTakesAtMostABatchAndTheRestAreReportedByTheNext() {
        List<int[]> pipes = pipes(1_100);
        try (EpollSet<Integer> set = new EpollSet<>(2_048)) {
            for (int i = 0; i < pipes.size(); i++) {
                set.add(pipes.get(i)[0], Posix.POLLIN, i);
                writeByte(pipes.get(i)[1]);
            }
            assertEquals(1_024, poll(set, 0).size());
            int second = set.poll(0, (key, fd, revents, i) -> set.remove(key));
            assertEquals(1_024, second, "level-triggered: the same may come again, until removed");
            assertEquals(1_100 - 1_024, set.poll(0, (key, fd, revents, i) -> set.remove(key)));
            assertEquals(0, set.size());
        } finally {
            close(pipes);
        }
    }

    @Test
    void anEpollFdMadeOnOneThreadIsTakenByASetOnAnother() throws Exception {
        int epfd = EpollSet.openFd();
        int[] fds = Posix.pipe();
        try {
            Thread t = Thread.ofPlatform().start(() -> {
                try (EpollSet<String> set = new EpollSet<>(epfd, 1)) {
                    set.add(fds[0], Posix.POLLIN, "reader");
                    writeByte(fds[1]);
                    assertEquals(Map.of("reader", (int) Posix.POLLIN), poll(set, -1));
                }
            });
            t.join();
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }
}
