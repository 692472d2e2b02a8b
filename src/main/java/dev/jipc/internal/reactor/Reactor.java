package dev.jipc.internal.reactor;

import static dev.jipc.internal.posix.Posix.POLLERR;
import static dev.jipc.internal.posix.Posix.POLLHUP;
import static dev.jipc.internal.posix.Posix.POLLIN;
import static dev.jipc.internal.posix.Posix.POLLNVAL;

import dev.jipc.internal.libc.pollfd;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One poll(2) loop on a daemon thread named {@code jipc-reactor}, started on first use.
 *
 * <p>Any thread asks for readiness with {@link #await}; the request is queued and applied by the
 * loop thread only (the model of the JDK's EPollSelectorImpl). A burst of requests costs one
 * eventfd write: the wake-up is coalesced by {@link #wakeupPending}. The returned future completes
 * on the loop thread with the fd's {@code revents}, which include POLLERR, POLLHUP or POLLNVAL when
 * those end the wait. The loop never runs user code: only jipc's own waiters park on these futures.
 * Work that may wait a few milliseconds is batched with {@link #later}, under the loop's one timer.
 */
public final class Reactor {
    private static final short FAILURE = (short) (POLLERR | POLLHUP | POLLNVAL);
    /** The eventfd increment, shared read-only by every waking thread. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    /** errno of wake-up writes lands here; shared, since nobody reads it. */
    private static final CallState WAKEUP_STATE = new CallState();

    /** The shared reactor; created with its thread by the first caller. */
    private static volatile Reactor instance;

    /** Interest changes from any thread, applied by the loop thread. */
    private final ConcurrentLinkedQueue<Runnable> updates = new ConcurrentLinkedQueue<>();
    /** Tasks for the loop thread that may wait up to {@link #LATER_NANOS}: run in batches. */
    private final ConcurrentLinkedQueue<Runnable> later = new ConcurrentLinkedQueue<>();
    /** Set from the first {@link #later} task of a batch until the batch runs. */
    private final AtomicBoolean laterPending = new AtomicBoolean();
    /** How long a {@link #later} task may wait for its batch. */
    static final long LATER_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Set while an eventfd write is outstanding, so concurrent wake-ups write once. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Written to wake the loop; always slot 0 of the poll set. */
    private final int wakeupFd;
    /** Waiters per fd; loop thread only. */
    private final Map<Integer, List<Waiter>> waiters = new HashMap<>();
    /** Whether {@link #waiters} changed since the poll set was built; loop thread only. */
    private boolean pollSetStale = true;

    private Reactor() {
        this.wakeupFd = Posix.eventfd();
    }

    /** @return the process-wide reactor, starting its thread on first use */
    public static Reactor get() {
        Reactor r = instance;
        if (r == null) {
            synchronized (Reactor.class) {
                r = instance;
                if (r == null) {
                    r = new Reactor();
                    Thread t = new Thread(r::loop, "jipc-reactor");
                    t.setDaemon(true);
                    t.start();
                    instance = r;
                }
            }
        }
        return r;
    }

    /**
     * Asks to be told when {@code fd} is ready for {@code events} (POLLIN, POLLOUT) or fails.
     * Cancelling the future withdraws the interest.
     *
     * @return a future completed with the fd's revents
     */
    public CompletableFuture<Integer> await(int fd, short events) {
        Waiter w = new Waiter(events);
        w.whenComplete((r, e) -> {
            if (e != null) {
                updates.add(() -> drop(fd, w));
                wakeup();
            }
        });
        updates.add(() -> {
            if (!w.isDone()) {
                waiters.computeIfAbsent(fd, k -> new ArrayList<>(1)).add(w);
                pollSetStale = true;
            }
        });
        wakeup();
        return w;
    }

    /**
     * Forgets {@code fd}, which is about to be closed: its waiters complete with POLLNVAL and the
     * loop stops polling it, so the kernel drops its reference to the file at once.
     */
    public void forget(int fd) {
        updates.add(() -> {
            List<Waiter> ws = waiters.remove(fd);
            if (ws != null) {
                pollSetStale = true;
                ws.forEach(w -> w.complete((int) POLLNVAL));
            }
        });
        wakeup();
    }

    /**
     * Runs {@code task} on the loop thread within {@link #LATER_NANOS}, together with the other
     * tasks queued meanwhile: one wake-up for the first of a batch and one when it runs, however
     * many tasks it holds. For work that may wait a little and is often made moot meanwhile, such
     * as watching a child that a thread is about to join anyway. The task must not block.
     */
    public void later(Runnable task) {
        later.add(task);
        if (laterPending.compareAndSet(false, true)) {
            wakeup(); // the loop must set its timer
        }
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            // Cannot fail short of a bug: the eventfd counter is drained long before it could fill.
            Posix.write(WAKEUP_STATE, wakeupFd, ONE, 8);
        }
    }

    private void drop(int fd, Waiter w) {
        List<Waiter> ws = waiters.get(fd);
        if (ws != null && ws.remove(w) && ws.isEmpty()) {
            waiters.remove(fd);
            pollSetStale = true;
        }
    }

    private void loop() {
        CallState state = new CallState();
        Arena arena = Arena.ofConfined();
        MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
        MemorySegment set = pollfd.allocateArray(64, arena);
        int[] fds = new int[64];
        int count = 1;
        long laterDue = 0; // when the pending batch of later tasks runs; 0: none pending
        while (true) {
            int timeout = -1;
            if (laterPending.get()) {
                long now = System.nanoTime();
                if (laterDue == 0) {
                    laterDue = now + LATER_NANOS;
                }
                long left = laterDue - now;
                if (left <= 0) {
                    laterDue = 0;
                    laterPending.set(false); // before draining: a task queued from now on starts a new batch
                    runLater();
                } else {
                    timeout = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left));
                }
            }
            applyUpdates();
            if (pollSetStale) {
                pollSetStale = false;
                count = 1 + waiters.size();
                if (count > fds.length) {
                    int capacity = Integer.highestOneBit(count) << 1;
                    fds = new int[capacity];
                    set = pollfd.allocateArray(capacity, arena); // old arrays go with the arena; growth is rare
                }
                fds[0] = wakeupFd;
                int i = 1;
                for (Map.Entry<Integer, List<Waiter>> e : waiters.entrySet()) {
                    fds[i++] = e.getKey();
                }
                for (i = 0; i < count; i++) {
                    MemorySegment slot = pollfd.asSlice(set, i);
                    pollfd.fd(slot, fds[i]);
                    pollfd.events(slot, i == 0 ? POLLIN : interest(waiters.get(fds[i])));
                }
            }
            int n = Posix.poll(state, set, count, timeout);
            if (n < 0) {
                if (-n == Posix.EINTR) {
                    continue;
                }
                throw new ErrnoException("poll", -n); // cannot happen with a valid set; fail loudly
            }
            for (int i = 0; i < count && n > 0; i++) {
                MemorySegment slot = pollfd.asSlice(set, i);
                short revents = pollfd.revents(slot);
                if (revents == 0) {
                    continue;
                }
                n--;
                pollfd.revents(slot, (short) 0);
                if (i == 0) {
                    Posix.read(state, wakeupFd, counter, 8);
                    wakeupPending.set(false); // before applying updates: a later request wakes us again
                } else {
                    dispatch(fds[i], revents);
                }
            }
        }
    }

    private void runLater() {
        Runnable task;
        while ((task = later.poll()) != null) {
            task.run();
        }
    }

    private void applyUpdates() {
        Runnable u;
        while ((u = updates.poll()) != null) {
            u.run();
        }
    }

    private void dispatch(int fd, short revents) {
        List<Waiter> ws = waiters.get(fd);
        if (ws == null) {
            return; // dropped since the set was built
        }
        for (Iterator<Waiter> it = ws.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.isDone()) {
                it.remove();
            } else if ((revents & (w.events | FAILURE)) != 0) {
                it.remove();
                w.complete((int) revents);
            }
        }
        if (ws.isEmpty()) {
            waiters.remove(fd);
        }
        pollSetStale = true; // the remaining interest may have narrowed
    }

    private static short interest(List<Waiter> ws) {
        short events = 0;
        for (Waiter w : ws) {
            events |= w.events;
        }
        return events;
    }

    /** A parked request: the events it waits for, completed with the fd's revents. */
    private static final class Waiter extends CompletableFuture<Integer> {
        /** POLLIN and/or POLLOUT. */
        final short events;

        Waiter(short events) {
            this.events = events;
        }
    }
}
