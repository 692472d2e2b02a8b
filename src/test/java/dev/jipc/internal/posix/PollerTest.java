package dev.jipc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.internal.libc.Libc;
import dev.jipc.testing.TestSupport;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link Poller} contract, which the reactor relies on, over both implementations. */
class PollerTest {

    /** An implementation, and the call it waits in. */
    enum Kind {
        POLL("poll") {
            @Override
            <A> Poller<A> make(int capacity) {
                return new PollSet<>(capacity);
            }
        },
        EPOLL("epoll_wait") {
            @Override
            <A> Poller<A> make(int capacity) {
                return new EpollSet<>(capacity);
            }
        };

        final String waitCall;

        Kind(String waitCall) {
            this.waitCall = waitCall;
        }

        abstract <A> Poller<A> make(int capacity);
    }

    /** One entry as the owner keeps it: its key follows the moves that removals report. */
    private static final class Entry {
        final int fd;
        final short events;
        int key;

        Entry(int fd, short events) {
            this.fd = fd;
            this.events = events;
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void removalsKeepEveryOtherEntryWithItsFdInterestAndAttachmentAtItsKey(Kind kind) {
        List<int[]> pipes = pipes(6);
        List<Entry> entries = new ArrayList<>();
        try (Poller<Entry> set = kind.make(1)) { // grows on the way
            for (int i = 0; i < pipes.size(); i++) {
                Entry e = new Entry(pipes.get(i)[i % 2], i % 2 == 0 ? Posix.POLLIN : Posix.POLLOUT);
                e.key = set.add(e.fd, e.events, e);
                entries.add(e);
            }
            for (int victim : new int[] {0, 3, 5}) { // the first, a middle one, the last
                Entry gone = entries.get(victim);
                Entry moved = set.remove(gone.key);
                if (moved != null) {
                    moved.key = gone.key;
                }
            }
            entries.removeAll(List.of(entries.get(0), entries.get(3), entries.get(5)));
            assertEquals(entries.size(), set.size());
            for (Entry e : entries) {
                assertEquals(e, set.attachment(e.key));
                assertEquals(e.fd, set.fd(e.key));
                assertEquals(e.events, set.events(e.key));
            }
        } finally {
            close(pipes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWaitReportsEachEntrysReadinessForItsInterest(Kind kind) {
        List<int[]> pipes = pipes(2);
        try (Poller<String> set = kind.make(2)) {
            int reader = set.add(pipes.get(0)[0], Posix.POLLIN, "reader");
            int writer = set.add(pipes.get(1)[1], (short) 0, "writer"); // writable, but not asked yet
            assertEquals(Map.of(), poll(set, 0));
            set.events(writer, Posix.POLLOUT);
            assertEquals(Map.of("writer", (int) Posix.POLLOUT), poll(set, 0));
            writeByte(pipes.get(0)[1]);
            assertEquals(Map.of("reader", (int) Posix.POLLIN, "writer", (int) Posix.POLLOUT), poll(set, 0));
            set.events(writer, (short) 0);
            assertEquals(Map.of("reader", (int) Posix.POLLIN), poll(set, 0), "level-triggered: still readable");
            assertEquals(Posix.POLLIN, set.events(reader));
        } finally {
            close(pipes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aWaitWithATimeoutAndNothingReadyVisitsNothing(Kind kind) {
        List<int[]> pipes = pipes(1);
        try (Poller<String> set = kind.make(1)) {
            set.add(pipes.get(0)[0], Posix.POLLIN, "reader");
            assertEquals(Map.of(), poll(set, 5));
        } finally {
            close(pipes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void thePeersCloseIsAHangUp(Kind kind) {
        int[] fds = Posix.pipe();
        try (Poller<String> set = kind.make(1)) {
            set.add(fds[0], Posix.POLLIN, "reader");
            Posix.close(fds[1]);
            int revents = poll(set, -1).get("reader");
            assertTrue((revents & Posix.POLLHUP) != 0, "revents " + revents);
        } finally {
            Posix.close(fds[0]);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aClosedFdIsReportedInvalidAtEveryWaitUntilRemoved(Kind kind) {
        int[] fds = Posix.pipe();
        try (Poller<String> set = kind.make(1)) { // first: an epoll fd could take the closed number
            Posix.close(fds[0]);
            Posix.close(fds[1]);
            int key = set.add(fds[0], Posix.POLLIN, "closed");
            assertEquals(Map.of("closed", (int) Posix.POLLNVAL), poll(set, -1));
            assertEquals(Map.of("closed", (int) Posix.POLLNVAL), poll(set, -1));
            set.remove(key);
            assertEquals(Map.of(), poll(set, 0));
            assertEquals(0, set.size());
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void removingAnEntryWhoseFdWasClosedIsNoError(Kind kind) {
        int[] fds = Posix.pipe();
        try (Poller<String> set = kind.make(1)) {
            int key = set.add(fds[0], Posix.POLLIN, "reader");
            Posix.close(fds[0]);
            assertNull(set.remove(key));
            assertEquals(0, set.size());
        } finally {
            Posix.close(fds[1]);
        }
    }

    /** The reactor's case: a number closed while in the set, reused, and asked for anew. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void aChangeOfInterestAfterTheNumberWasClosedAndReusedWatchesTheNewFile(Kind kind) {
        int[] old = Posix.pipe();
        List<int[]> pipes = new ArrayList<>();
        try (Poller<String> set = kind.make(1)) {
            int key = set.add(old[0], Posix.POLLIN, "reader");
            Posix.close(old[0]);
            int[] reused = TestSupport.reopen(old[0], Posix::pipe, pipes);
            set.events(key, Posix.POLLIN);
            assertEquals(Map.of(), poll(set, 0), "the new pipe is empty");
            writeByte(reused[1]);
            assertEquals(Map.of("reader", (int) Posix.POLLIN), poll(set, 0));
        } finally {
            Posix.close(old[1]);
            close(pipes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void aVisitorThatRemovesEachVisitedEntryStillSeesEveryReadyOneOnce(Kind kind) {
        List<int[]> pipes = pipes(40);
        try (Poller<Integer> set = kind.make(4)) {
            Set<Integer> written = new HashSet<>();
            for (int i = 0; i < pipes.size(); i++) {
                set.add(pipes.get(i)[0], Posix.POLLIN, i);
                if (i % 3 != 1) {
                    writeByte(pipes.get(i)[1]);
                    written.add(i);
                }
            }
            List<Integer> visited = new ArrayList<>();
            int n = set.poll(0, (key, fd, revents, i) -> {
                visited.add(i);
                Integer moved = set.remove(key);
                assertNotEquals(i, moved);
            });
            assertEquals(written.size(), n);
            assertEquals(written, new HashSet<>(visited));
            assertEquals(written.size(), visited.size(), "each once: " + visited);
            assertEquals(pipes.size() - written.size(), set.size());
            assertEquals(Map.of(), poll(set, 0), "the entries left are not ready");
        } finally {
            close(pipes);
        }
    }

    /** More fds than either set starts with, and more ready at once than one epoll wait takes. */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void manyFdsEachReportedAndOnlyTheReadyOnes(Kind kind) {
        List<int[]> pipes = pipes(3_000);
        try (Poller<Integer> set = kind.make(64)) {
            Set<Integer> written = new HashSet<>();
            for (int i = 0; i < pipes.size(); i++) {
                set.add(pipes.get(i)[0], Posix.POLLIN, i);
                if (i % 2 == 0) {
                    writeByte(pipes.get(i)[1]);
                    written.add(i);
                }
            }
            Set<Integer> seen = new HashSet<>();
            while (seen.size() < written.size()) {
                int n = set.poll(0, (key, fd, revents, i) -> {
                    assertEquals(Posix.POLLIN, revents);
                    assertTrue(seen.add(i), "reported after its removal: " + i);
                    set.remove(key);
                });
                assertTrue(n > 0, "ready entries went unreported: " + (written.size() - seen.size()));
            }
            assertEquals(written, seen);
        } finally {
            close(pipes);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void anInjectedFaultFailsTheNextWaitWithItsErrno(Kind kind) {
        try (Poller<Void> set = kind.make(1)) {
            try (var fault = FaultInjection.inject(kind.waitCall, Libc.ENOMEM(), 1)) {
                assertEquals(-Libc.ENOMEM(), set.poll(0, (key, fd, revents, a) -> { }));
                assertEquals(0, set.poll(0, (key, fd, revents, a) -> { }), "once");
            }
        }
    }

    /** The set is confined, and says so with an assert (the tests run with -ea). */
    @ParameterizedTest
    @EnumSource(Kind.class)
    void anotherThreadIsStoppedByTheAssert(Kind kind) throws Exception {
        int[] fds = Posix.pipe();
        try (Poller<Void> set = kind.make(1)) {
            int key = set.add(fds[0], Posix.POLLIN, null);
            CompletableFuture<Throwable> other = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    set.events(key, Posix.POLLOUT);
                    other.complete(null);
                } catch (Throwable t) {
                    other.complete(t);
                }
            }).join();
            assertInstanceOf(AssertionError.class, other.get());
            assertEquals(Posix.POLLIN, set.events(key));
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    /** @return what one wait visited: attachment to revents */
    static <A> Map<A, Integer> poll(Poller<A> set, int timeoutMillis) {
        Map<A, Integer> ready = new HashMap<>();
        int n = set.poll(timeoutMillis, (key, fd, revents, a) -> {
            assertEquals(set.attachment(key), a);
            assertEquals(set.fd(key), fd);
            assertNull(ready.put(a, (int) revents), "visited twice: " + a);
        });
        assertEquals(ready.size(), n);
        return ready;
    }


    static void writeByte(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            assertEquals(1, Posix.write(new CallState(), fd, arena.allocate(1), 1));
        }
    }

    static List<int[]> pipes(int n) {
        List<int[]> pipes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pipes.add(Posix.pipe());
        }
        return pipes;
    }

    static void close(List<int[]> pipes) {
        for (int[] fds : pipes) {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }
}
