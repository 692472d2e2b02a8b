package dev.jipc.internal.reactor;

import dev.jipc.internal.posix.EpollSet;
import dev.jipc.internal.posix.PollSet;
import dev.jipc.internal.posix.Poller;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Which readiness set the reactor waits in: the system property {@value #PROPERTY}, {@code poll}
 * or {@code epoll} (Linux only), read once, when the first reactor starts. Unset, epoll on Linux:
 * with 10,000 idle waiters a wake-up took as long as with one (p50 1.04x, 15 rounds), where
 * poll(2)'s took 13.5x (see ReactorScale and the README); poll elsewhere.
 *
 * <pre>{@code
 * java -Djipc.reactor=epoll ...
 * }</pre>
 */
enum Backend {
    /** poll(2) over a {@link PollSet}: O(fds) per wait, no set in the kernel to keep in step. */
    POLL("poll"),
    /** epoll(7) over an {@link EpollSet}: O(ready fds) per wait, one epoll_ctl per edit. */
    EPOLL("epoll");

    static final String PROPERTY = "jipc.reactor";

    /** The choice once made; null until the first reactor asks. */
    private static volatile Backend configured;

    /** The property's value for this backend. */
    final String value;

    Backend(String value) {
        this.value = value;
    }

    /**
     * @return the backend {@value #PROPERTY} names, read at the first call
     * @throws IllegalArgumentException if it names none, or epoll on a system without it
     */
    static Backend configured() {
        Backend b = configured;
        if (b == null) {
            b = parse(System.getProperty(PROPERTY), System.getProperty("os.name", ""));
            configured = b; // racing first callers read the same property: the same answer
        }
        return b;
    }

    /**
     * @param value the property's value, or null if not set
     * @param os the {@code os.name} to check epoll against
     */
    static Backend parse(String value, String os) {
        if (value == null || value.isBlank()) {
            return defaultFor(os);
        }
        for (Backend b : values()) {
            if (b.value.equals(value.trim().toLowerCase(Locale.ROOT))) {
                if (b == EPOLL && !os.startsWith("Linux")) {
                    throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": epoll is Linux only,"
                            + " and this is " + os + "; use -D" + PROPERTY + "=poll");
                }
                return b;
            }
        }
        throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + " names no reactor backend;"
                + " allowed: poll, epoll (Linux)");
    }

    /** @return the backend used when the property is not set, on {@code os} */
    static Backend defaultFor(String os) {
        return os.startsWith("Linux") ? EPOLL : POLL;
    }

    /**
     * Makes what the loop's set needs from the kernel now, on the calling thread, so that a
     * failure (EMFILE) reaches the caller; the set itself is made by the loop thread it is
     * confined to.
     *
     * @return makes the set on the calling thread; call it once
     */
    <A> Supplier<Poller<A>> open(int capacity) {
        if (this == POLL) {
            return () -> new PollSet<>(capacity);
        }
        int epfd = EpollSet.openFd();
        return () -> new EpollSet<>(epfd, capacity);
    }

    /** @return the system call its loop waits in, as errors name it and fault injection takes it */
    String waitCall() {
        return this == POLL ? "poll" : "epoll_wait";
    }
}
