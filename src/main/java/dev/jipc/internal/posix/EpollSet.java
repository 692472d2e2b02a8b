package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.libc.epoll_event;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * A {@link Poller} over epoll(7), level-triggered like poll(2): a wait costs O(ready fds), not
 * O(fds), and an edit is one {@code epoll_ctl}. Keys are stable (a removal moves nothing); each
 * registration's {@code epoll_data} holds its key and a generation, so an event for a
 * registration the kernel kept after its fd was closed (another fd, maybe in another process,
 * still refers to the file) is recognized, and the kernel set rebuilt without it; level-triggered,
 * it would otherwise be reported at every wait.
 *
 * <p>What epoll will not watch is reported as poll(2) would, at every wait until removed: an fd
 * that is not open (EBADF) as POLLNVAL, a file without poll support (EPERM: regular files) as
 * ready for what it is asked. A closed number that became this set's own epoll fd (EINVAL) is
 * POLLNVAL too.
 *
 * <p>Confined: the thread that creates it is the only one to use it.
 *
 * <pre>{@code
 * try (EpollSet<String> set = new EpollSet<>(16)) {
 *     int key = set.add(fd, Posix.POLLIN, "reader");
 *     set.poll(-1, (k, f, revents, name) -> set.remove(k));
 * }
 * }</pre>
 *
 * @param <A> what the owner attaches to an entry
 */
public final class EpollSet<A> implements Poller<A> {
    private static final long EVENT_BYTES = epoll_event.layout().byteSize();
    private static final long EVENTS = epoll_event.events$offset();
    private static final long DATA = epoll_event.data$offset();
    /** The most events one wait takes; level-triggered, the others are reported at the next. */
    private static final int MAX_BATCH = 1024;
    /** What poll(2) reports for a file without poll support, as far as asked for. */
    private static final short ALWAYS_READY = (short) (Posix.POLLIN | Posix.POLLOUT);

    static {
        // The revents are passed on as they are: the two sets of bits are Linux's same values.
        assert Libc.EPOLLIN() == Posix.POLLIN && Libc.EPOLLOUT() == Posix.POLLOUT
                && Libc.EPOLLERR() == Posix.POLLERR && Libc.EPOLLHUP() == Posix.POLLHUP;
        assert EVENT_BYTES == 12 && DATA == 4 : "struct epoll_event is packed on x86_64";
    }

    private final Thread owner = Thread.currentThread();
    private final Arena arena = Arena.ofConfined();
    /** Where epoll_ctl and epoll_wait save errno. */
    private final CallState state = new CallState(arena);
    /** The one {@code struct epoll_event} that epoll_ctl reads. */
    private final MemorySegment request = arena.allocate(epoll_event.layout());
    /** The events epoll_wait writes: {@link #batch} of them. */
    private MemorySegment ready;
    private int batch;
    private int epfd;

    /** By key: the fd, or -1 for a free key. */
    private int[] fds;
    /** By key: the interest. */
    private short[] interests;
    /** By key: bumped at each add, so that a stale registration's data no longer matches. */
    private int[] generations;
    /** By key: what is reported for an fd the kernel does not watch, or 0 while it does. */
    private short[] unwatched;
    private Object[] attachments;
    /** Free keys below {@link #highWater}, a stack. */
    private int[] free;
    private int freeCount;
    /** Keys 0 to highWater - 1 have been handed out. */
    private int highWater;
    private int size;
    /** Keys whose {@link #unwatched} is set, in no order: reported at every wait. */
    private int[] unwatchedKeys = new int[4];
    private int unwatchedCount;
    /** Set when a wait saw a registration of no entry; the kernel set is rebuilt after it. */
    private boolean stale;
    /** Rebuilds so far, for tests. */
    private int rebuilds;

    /**
     * Creates its epoll fd.
     *
     * @param capacity entries to allocate room for at first; more are allocated as needed
     * @throws IpcException naming the errno, such as EMFILE when the process is out of descriptors
     */
    public EpollSet(int capacity) {
        this(openFd(), capacity);
    }

    /**
     * Takes {@code epfd}, from {@link #openFd}, and closes it when closed: for an owner that
     * creates the kernel's part on another thread, where a failure is reported.
     */
    public EpollSet(int epfd, int capacity) {
        int c = Math.max(1, capacity);
        this.epfd = epfd;
        this.fds = new int[c];
        Arrays.fill(fds, -1);
        this.interests = new short[c];
        this.generations = new int[c];
        this.unwatched = new short[c];
        this.attachments = new Object[c];
        this.free = new int[c];
        this.batch = Math.min(c, MAX_BATCH);
        this.ready = arena.allocate(epoll_event.layout(), batch);
    }

    /**
     * @return a new epoll fd, close-on-exec, for {@link #EpollSet(int, int)}
     * @throws IpcException naming the errno, such as EMFILE when the process is out of descriptors
     */
    public static int openFd() {
        return Epoll.create();
    }

    @Override
    public int add(int fd, short events, A attachment) {
        assert inOwner();
        int key = freeCount > 0 ? free[--freeCount] : newKey();
        fds[key] = fd;
        interests[key] = events;
        attachments[key] = attachment;
        generations[key]++;
        size++;
        try {
            watch(key, Epoll.CTL_ADD);
        } catch (RuntimeException e) { // not added: the owner never learns the key
            release(key);
            throw e;
        }
        return key;
    }

    @Override
    public short events(int key) {
        check(key);
        return interests[key];
    }

    @Override
    public void events(int key, short events) {
        check(key);
        interests[key] = events;
        // An fd the kernel does not watch is tried anew: its number may be a watchable file's now.
        watch(key, unwatched[key] == 0 ? Epoll.CTL_MOD : Epoll.CTL_ADD);
    }

    @Override
    public A remove(int key) {
        check(key);
        if (unwatched[key] != 0) {
            unwatch(key, (short) 0);
        } else {
            int r = Epoll.ctl(state, epfd, Epoll.CTL_DEL, fds[key], MemorySegment.NULL);
            // EBADF, ENOENT: the fd was closed and the kernel dropped it, or a registration stays
            // with the file, to be found stale if it fires.
            if (r < 0 && -r != Posix.EBADF && -r != Libc.ENOENT()) {
                throw failure("epoll_ctl(DEL, " + fds[key] + ")", -r);
            }
        }
        release(key);
        return null;
    }

    /** Makes {@code key} free; the kernel no longer has it. */
    private void release(int key) {
        fds[key] = -1;
        attachments[key] = null;
        free[freeCount++] = key;
        size--;
    }

    @Override
    public int fd(int key) {
        check(key);
        return fds[key];
    }

    @Override
    @SuppressWarnings("unchecked")
    public A attachment(int key) {
        check(key);
        return (A) attachments[key];
    }

    @Override
    public int size() {
        assert inOwner();
        return size;
    }

    @Override
    public int poll(int timeoutMillis, Visitor<A> visitor) {
        assert inOwner();
        int injected = FaultInjection.errnoFor("epoll_wait");
        if (injected != 0) {
            return -injected;
        }
        // Unwatched entries are ready now, as poll(2) would find them: the wait must not block.
        int n = Epoll.await(state, epfd, ready, batch, unwatchedCount > 0 ? 0 : timeoutMillis);
        if (n < 0) {
            return n;
        }
        // Checked before any visit: a visitor's removal must not pass for a stale registration.
        for (int i = 0; i < n; i++) {
            if (owner(ready.get(JAVA_LONG_UNALIGNED, i * EVENT_BYTES + DATA)) < 0) {
                stale = true;
            }
        }
        int visited = 0;
        int unwatchedBefore = unwatchedCount; // those a visit makes unwatched were visited already
        for (int i = 0; i < n; i++) {
            long at = i * EVENT_BYTES;
            int key = owner(ready.get(JAVA_LONG_UNALIGNED, at + DATA));
            if (key >= 0) { // else stale, or removed by a visitor since the wait
                visited++;
                visitor.ready(key, fds[key], (short) ready.get(JAVA_INT, at + EVENTS), attachment(key));
            }
        }
        // Downwards: a visitor's removal swaps the last unwatched key into the one it removed.
        for (int i = unwatchedBefore - 1; i >= 0; i--) {
            if (i < unwatchedCount) {
                int key = unwatchedKeys[i];
                short revents = (short) (unwatched[key] & (interests[key] | Posix.POLLNVAL));
                if (revents != 0) {
                    visited++;
                    visitor.ready(key, fds[key], revents, attachment(key));
                }
            }
        }
        if (stale) {
            rebuild();
        }
        return visited;
    }

    /** @return how often the kernel set was rebuilt to drop a stale registration */
    int rebuilds() {
        return rebuilds;
    }

    @Override
    public void close() {
        assert inOwner();
        arena.close();
        Posix.close(epfd);
    }

    /** Asks the kernel to watch the entry ({@code op}: ADD or MOD), or notes why it will not. */
    private void watch(int key, int op) {
        int fd = fds[key];
        request.set(JAVA_INT, EVENTS, interests[key]);
        request.set(JAVA_LONG_UNALIGNED, DATA, (long) generations[key] << 32 | key);
        int r = Epoll.ctl(state, epfd, op, fd, request);
        if (r < 0 && (-r == Libc.ENOENT() || -r == Libc.EEXIST())) {
            // ENOENT: the kernel dropped the fd when it was closed; the number is another file's now.
            r = Epoll.ctl(state, epfd, op == Epoll.CTL_MOD ? Epoll.CTL_ADD : Epoll.CTL_MOD, fd, request);
        }
        if (r == 0) {
            if (unwatched[key] != 0) {
                unwatch(key, (short) 0);
            }
        } else if (-r == Posix.EBADF || -r == Libc.EINVAL()) { // EINVAL: the number is this set's own now
            unwatch(key, Posix.POLLNVAL);
        } else if (-r == Libc.EPERM()) {
            unwatch(key, ALWAYS_READY);
        } else {
            throw failure("epoll_ctl(" + (op == Epoll.CTL_ADD ? "ADD" : "MOD") + ", " + fd + ")", -r);
        }
    }

    /** Sets what is reported for an fd the kernel does not watch; 0: it watches it (again). */
    private void unwatch(int key, short revents) {
        if (unwatched[key] == 0 && revents != 0) {
            if (unwatchedCount == unwatchedKeys.length) {
                unwatchedKeys = Arrays.copyOf(unwatchedKeys, 2 * unwatchedCount);
            }
            unwatchedKeys[unwatchedCount++] = key;
        } else if (unwatched[key] != 0 && revents == 0) {
            for (int i = 0; i < unwatchedCount; i++) {
                if (unwatchedKeys[i] == key) {
                    unwatchedKeys[i] = unwatchedKeys[--unwatchedCount];
                    break;
                }
            }
        }
        unwatched[key] = revents;
    }

    /** @return the key whose current registration {@code data} is, or -1 if none: a stale one */
    private int owner(long data) {
        int key = (int) data;
        return key >= 0 && key < highWater && fds[key] >= 0 && unwatched[key] == 0
                && generations[key] == (int) (data >>> 32) ? key : -1;
    }

    /**
     * A new kernel set with every entry the kernel watches, the old one closed: the only way to
     * drop a registration whose fd number is gone.
     */
    private void rebuild() {
        int fresh = Epoll.create(); // may fail (EMFILE): then the old set stays, stale and all
        Posix.close(epfd);
        epfd = fresh;
        stale = false;
        rebuilds++;
        for (int key = 0; key < highWater; key++) {
            if (fds[key] >= 0 && unwatched[key] == 0) {
                watch(key, Epoll.CTL_ADD);
            }
        }
    }

    private int newKey() {
        if (highWater == fds.length) {
            int capacity = 2 * highWater;
            fds = Arrays.copyOf(fds, capacity);
            Arrays.fill(fds, highWater, capacity, -1);
            interests = Arrays.copyOf(interests, capacity);
            generations = Arrays.copyOf(generations, capacity);
            unwatched = Arrays.copyOf(unwatched, capacity);
            attachments = Arrays.copyOf(attachments, capacity);
            free = Arrays.copyOf(free, capacity);
            if (batch < MAX_BATCH) { // room for a wait to report every entry, up to the cap
                batch = Math.min(capacity, MAX_BATCH);
                ready = arena.allocate(epoll_event.layout(), batch);
            }
        }
        return highWater++;
    }

    private static IpcException failure(String call, int errno) {
        return new ErrnoException(call, errno).as(IpcException::new, "jipc cannot change its epoll set");
    }

    private boolean inOwner() {
        return Thread.currentThread() == owner;
    }

    private void check(int key) {
        assert inOwner();
        if (key < 0 || key >= highWater || fds[key] < 0) {
            throw new IndexOutOfBoundsException("key " + key + " is not in the set");
        }
    }
}
