package dev.jipc.internal.posix;

/**
 * A readiness set as the reactor needs it: fds with an interest (POLLIN, POLLOUT) and an
 * attachment each, a wait that visits the ready ones, and O(1) edits in between. {@link PollSet}
 * is poll(2), O(fds) per wait; {@link EpollSet} is epoll(7), O(ready fds) per wait. Both report
 * the POLL* bits: the events asked for that are ready, and POLLERR, POLLHUP or POLLNVAL.
 *
 * <p>Each entry has a key, given by {@link #add}, that the owner passes to the other calls. A
 * {@link #remove} may move another entry into the removed key (PollSet keeps its slots dense):
 * it returns that entry's attachment, so an owner that keeps keys updates the one it moved.
 *
 * <p>An fd closed while in the set: poll(2) reports it POLLNVAL, while epoll drops it silently
 * (when no other fd refers to its file) and sees nothing more of it. So the owner removes an fd
 * before it is closed, or is told of the close otherwise; a change of interest of a number that
 * was closed and reused watches the file that has the number now, as poll(2) does.
 *
 * <p>Confined: the thread that creates a set is the only one to use it.
 *
 * <pre>{@code
 * try (Poller<String> set = new PollSet<>(16)) {           // or new EpollSet<>(16)
 *     int key = set.add(fd, Posix.POLLIN, "reader");
 *     set.poll(-1, (k, f, revents, name) -> {
 *         if ((revents & Posix.POLLIN) != 0) { ... }
 *         set.remove(k);                                   // the visited entry only
 *     });
 * }
 * }</pre>
 *
 * @param <A> what the owner attaches to an entry
 */
public interface Poller<A> extends AutoCloseable {

    /** Told of one ready entry during {@link #poll}. */
    @FunctionalInterface
    interface Visitor<A> {
        /**
         * May {@link #remove} or change the interest of this entry, and of no other: the entries
         * still to be visited keep their keys.
         *
         * @param revents the POLL* bits that are set, never 0
         */
        void ready(int key, int fd, short revents, A attachment);
    }

    /**
     * Adds {@code fd} (not in the set yet) with the interest {@code events}.
     *
     * @return its key
     */
    int add(int fd, short events, A attachment);

    /** @return the entry's interest */
    short events(int key);

    /** Changes the entry's interest. */
    void events(int key, short events);

    /**
     * Removes the entry; an fd closed meanwhile is no error.
     *
     * @return the attachment of the entry that now has {@code key}, moved there from another key,
     *     or null if none moved
     */
    A remove(int key);

    /** @return the entry's fd */
    int fd(int key);

    /** @return the entry's attachment */
    A attachment(int key);

    /** @return the entries in the set */
    int size();

    /**
     * Waits until an entry is ready or {@code timeoutMillis} pass, then visits each ready entry
     * once.
     *
     * @param timeoutMillis -1 to wait without a timeout, 0 not to wait
     * @return the number of entries visited, or {@code -errno} (EINTR included)
     */
    int poll(int timeoutMillis, Visitor<A> visitor);


    @Override
    void close();
}
