package dev.jipc.internal.reactor;

import static dev.jipc.internal.posix.Posix.POLLERR;
import static dev.jipc.internal.posix.Posix.POLLHUP;
import static dev.jipc.internal.posix.Posix.POLLIN;
import static dev.jipc.internal.posix.Posix.POLLNVAL;

import dev.jipc.IpcException;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Poller;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * One readiness loop on a daemon thread named {@code jipc-reactor}, started on first use: poll(2)
 * or epoll(7), as {@link Backend} says.
 *
 * <p>Any thread asks for readiness with {@link #await}; the request is queued and applied by the
 * loop thread only (the model of the JDK's EPollSelectorImpl). A burst of requests costs one
 * eventfd write: the wake-up is coalesced by {@link #wakeupPending}. The returned future completes
 * on the loop thread with the fd's {@code revents}, which include POLLERR, POLLHUP or POLLNVAL when
 * those end the wait. The loop never runs user code: only jipc's own waiters park on these futures.
 * Work that may wait a few milliseconds is batched with {@link #later}, under the loop's one timer.
 *
 * <p>The poll set is kept in place (a {@link Poller}: one entry per fd with waiters, its interest
 * the union of theirs), so an event or a request costs O(1) besides the wait's own: O(fds) for
 * poll(2), O(ready fds) for epoll. epoll cannot see a close: whoever closes an fd that may have
 * waiters calls {@link #forget} (or {@link #forgetLater}) first.
 *
 * <p>The loop survives its failures: a {@code later} task that throws is logged and the others
 * run; a failed poll, or any other exception in an iteration, fails the waits then pending with an
 * {@link IpcException} saying why, is logged to the {@code dev.jipc} System.Logger, and the loop
 * goes on with an empty poll set (after a pause that grows while failures repeat).
 */
public final class Reactor implements Jfr.LoopCounters {
    private static final System.Logger LOG = System.getLogger("dev.jipc");
    private static final short FAILURE = (short) (POLLERR | POLLHUP | POLLNVAL);
    /** The eventfd increment, shared read-only by every waking thread. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);
    /** errno of wake-up writes lands here; shared, since nobody reads it. */
    private static final CallState WAKEUP_STATE = new CallState();
    /** Slots allocated at first; the set grows by doubling. */
    private static final int INITIAL_SLOTS = 64;
    /** The longest pause between iterations that keep failing. */
    private static final long MAX_BACKOFF_MILLIS = 1_000;

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
    /** Written to wake the loop; in the poll set as {@link #wakeup}. */
    private final int wakeupFd;
    /** The loop thread. */
    private final Thread thread;
    /** What the loop waits in. */
    private final Backend backend;
    /** Makes {@link #pollSet} on the loop thread, from what the constructor opened. */
    private final Supplier<Poller<Interest>> opener;
    /** The fds polled, each entry's attachment its {@link Interest}; loop thread only. */
    private Poller<Interest> pollSet;
    /** The wake-up fd's entry, which has no waiters. */
    private final Interest wakeup = new Interest();
    /** Waiters by fd, each with its key in {@link #pollSet}; loop thread only. */
    private final Map<Integer, Interest> interests = new HashMap<>();
    /** Completes each ready entry's waiters: one object for the loop's life. */
    private final Poller.Visitor<Interest> onReady = this::ready;
    /** The loop thread's eventfd read: its buffer and errno, from the loop's arena. */
    private MemorySegment counter;
    private CallState loopState;
    /**
     * Set by the shutdown hook. A thread blocked in a native call makes the JVM's exit wait 300 ms
     * for it (HotSpot waits for threads in native before it exits), so once the JVM is exiting the
     * loop ends as soon as it has nothing to wait for; a later request starts a new reactor.
     */
    private static volatile boolean exiting;
    /** How long the hook waits for an idle loop to end; a busy one goes on serving. */
    private static final long STOP_WAIT_MILLIS = 50;
    /** Set by the loop when it ends (or is about to): requests made since go to its successor. */
    private volatile boolean stopped;
    /** Set by {@link #shutDown}: a reactor of a test's own ends at its next iteration. */
    private volatile boolean ending;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reactor::stopForExit, "jipc-reactor-stopper"));
    }

    /** The shutdown hook: from now on the loop ends when idle; waits a little for that. */
    static void stopForExit() {
        exiting = true;
        Reactor r = instance;
        if (r != null) {
            r.wakeup();
            try {
                r.thread.join(STOP_WAIT_MILLIS); // out of poll(2) before the JVM counts it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Iterations failed in a row; loop thread only. */
    private int failures;
    /**
     * Loop iterations so far, wrapping, and the fds in the poll set besides the wake-up fd, as of
     * the last one: written by the loop thread only, as plain ints, and read racily (a stale
     * value will do) by the JFR sampler through {@link #iterations()} and {@link #watchedFds()}.
     */
    private int iterations;
    private int watchedFds;

    private Reactor(Backend backend) {
        this.backend = backend;
        this.wakeupFd = Posix.eventfd();
        try {
            this.opener = backend.open(INITIAL_SLOTS);
        } catch (RuntimeException e) {
            Posix.close(wakeupFd);
            throw e;
        }
        this.thread = new Thread(this::loop, "jipc-reactor");
        thread.setDaemon(true);
    }

    /**
     * @return the process-wide reactor, starting its thread on first use
     * @throws IllegalArgumentException if {@code -Djipc.reactor} names no backend
     */
    public static Reactor get() {
        Reactor r = instance;
        if (r == null) {
            synchronized (Reactor.class) {
                r = instance;
                if (r == null) {
                    r = new Reactor(Backend.configured());
                    r.thread.start();
                    instance = r;
                }
            }
            Jfr.reactorStarted(Reactor::current); // outside the lock: with JFR on, it loads the event classes
        }
        return r;
    }

    /** @return the running reactor, or null if none was started (or it ended); never starts one */
    public static Reactor current() {
        return instance;
    }

    /**
     * A reactor of the caller's own over {@code backend}, its thread started: not the shared
     * one, which {@link #get} and {@link #current} never return it as. For tests, which end it
     * with {@link #shutDown}.
     */
    static Reactor start(Backend backend) {
        Reactor r = new Reactor(backend);
        r.thread.start();
        return r;
    }

    /**
     * Ends a reactor made by {@link #start}: its pending waits fail, its loop ends, its fds are
     * closed. Returns once the loop has ended.
     */
    void shutDown() throws InterruptedException {
        assert instance != this && !inLoop() : "only a reactor of a test's own is shut down, from outside";
        ending = true;
        wakeup();
        thread.join();
        Posix.close(wakeupFd);
    }

    /** @return the backend this reactor waits with */
    Backend backend() {
        return backend;
    }

    /** @return the loop's iterations so far, wrapping at 2^32; a racy read, maybe stale */
    @Override
    public int iterations() {
        return iterations;
    }

    /** @return the fds polled for waiters (the wake-up fd aside) as of the last iteration; a racy read */
    @Override
    public int watchedFds() {
        return watchedFds;
    }

    /**
     * Asks to be told when {@code fd} is ready for {@code events} (POLLIN, POLLOUT) or fails.
     * Cancelling the future withdraws the interest.
     *
     * @return a future completed with the fd's revents, or failed with an {@link IpcException}
     *     if the reactor could not poll
     */
    public CompletableFuture<Integer> await(int fd, short events) {
        Waiter w = new Waiter(events);
        w.whenComplete((r, e) -> {
            if (e != null) {
                update(() -> drop(fd, w));
            }
        });
        update(() -> {
            if (!w.isDone()) {
                register(fd, w);
            }
        });
        if (stopped) { // it may have ended before it saw the request: ask its successor
            w.cancel(false);
            return get().await(fd, events);
        }
        return w;
    }

    /**
     * Forgets {@code fd}, which is about to be closed: its waiters complete with POLLNVAL and the
     * loop stops polling it, so the kernel drops its reference to the file at once.
     */
    public void forget(int fd) {
        update(forgetting(fd));
    }

    /**
     * {@link #forget} without waking the loop: done at its next wake-up for whatever reason (at
     * the latest when the JVM exits). For an fd whose waiters can wait that long, such as a
     * reaped child's pidfd: epoll drops a closed fd silently, so its waiters would otherwise stay.
     * Called before the close, as {@code forget} is: a new fd with the same number asked for
     * afterwards is not the one forgotten.
     */
    public void forgetLater(int fd) {
        updates.add(forgetting(fd));
    }

    private Runnable forgetting(int fd) {
        return () -> {
            Interest i = interests.remove(fd);
            if (i != null) {
                moved(pollSet.remove(i.slot), i.slot);
                i.waiters.forEach(w -> w.complete((int) POLLNVAL));
            }
        };
    }

    /**
     * Runs {@code task} on the loop thread within {@link #LATER_NANOS}, together with the other
     * tasks queued meanwhile: one wake-up for the first of a batch and one when it runs, however
     * many tasks it holds. For work that may wait a little and is often made moot meanwhile, such
     * as watching a child that a thread is about to join anyway. The task must not block; if it
     * throws, that is logged and the loop goes on.
     */
    public void later(Runnable task) {
        later.add(task);
        if (laterPending.compareAndSet(false, true)) {
            wakeup(); // the loop must set its timer
        }
        if (stopped) {
            get().later(task); // later tasks are idempotent: one that both run is harmless
        }
    }

    /** @return whether the caller is the loop thread */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void update(Runnable u) {
        updates.add(u);
        wakeup();
    }

    private void wakeup() {
        // The loop applies updates before it polls again: it need not wake itself.
        if (!inLoop() && wakeupPending.compareAndSet(false, true)) {
            // Cannot fail short of a bug: the eventfd counter is drained long before it could fill.
            Posix.write(WAKEUP_STATE, wakeupFd, ONE, 8);
        }
    }

    private void register(int fd, Waiter w) {
        assert inLoop();
        Interest i = interests.get(fd);
        try {
            if (i == null) {
                i = new Interest();
                i.slot = pollSet.add(fd, w.events, i);
                interests.put(fd, i);
            } else {
                pollSet.events(i.slot, (short) (pollSet.events(i.slot) | w.events));
            }
        } catch (RuntimeException e) { // epoll_ctl failed: not among the waiters that failed() fails
            w.completeExceptionally(e);
            throw e;
        }
        i.waiters.add(w);
    }

    private void drop(int fd, Waiter w) {
        assert inLoop();
        Interest i = interests.get(fd);
        if (i != null && i.waiters.remove(w)) {
            narrow(fd, i);
        }
    }

    /** After waiters of {@code i} left: polls for what the others wait for, or no longer polls {@code fd}. */
    private void narrow(int fd, Interest i) {
        assert inLoop();
        if (i.waiters.isEmpty()) {
            interests.remove(fd);
            moved(pollSet.remove(i.slot), i.slot);
        } else {
            short events = 0;
            for (Waiter w : i.waiters) {
                events |= w.events;
            }
            pollSet.events(i.slot, events);
        }
    }

    /** After a removal from {@code key}: the entry moved into it, if any, learns its new key. */
    private void moved(Interest into, int key) {
        assert inLoop();
        if (into != null) {
            into.slot = key;
        }
    }

    private void loop() {
        Arena arena = Arena.ofConfined();
        counter = arena.allocate(ValueLayout.JAVA_LONG);
        loopState = new CallState(arena);
        pollSet = opener.get();
        wakeup.slot = pollSet.add(wakeupFd, POLLIN, wakeup);
        long laterDue = 0; // when the pending batch of later tasks runs; 0: none pending
        while (true) {
            if (ending) {
                end();
                return;
            }
            try {
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
                // After the updates: a forgetLater may be what leaves nothing to wait for.
                if (exiting && endIfIdle()) {
                    return;
                }
                assert inLoop() : "the counters are the loop thread's";
                iterations++;
                watchedFds = pollSet.size() - 1;
                int n = pollSet.poll(timeout, onReady);
                if (n < 0) {
                    if (-n == Posix.EINTR) {
                        continue;
                    }
                    throw new ErrnoException(backend.waitCall(), -n).as(IpcException::new,
                            "jipc's reactor could not poll its " + pollSet.size() + " fds");
                }
                recovered();
            } catch (Throwable t) {
                try {
                    failed(t);
                } catch (Throwable again) {
                    // out of memory, say: nothing more to do this turn than to try the next one
                }
            }
        }
    }

    /**
     * Ends the loop if nothing waits on it: no fd but the wake-up's, no request queued. A request
     * made meanwhile either is seen here, and served, or sees {@link #stopped} and goes to a new
     * reactor (both flags and queues are volatile writes and reads, in opposite orders).
     */
    private boolean endIfIdle() {
        assert inLoop();
        if (pollSet.size() > 1 || laterPending.get()) {
            return false;
        }
        synchronized (Reactor.class) {
            if (instance == this) {
                instance = null; // from now on get() starts a new one
            }
        }
        stopped = true;
        if (updates.isEmpty() && later.isEmpty()) {
            return true; // the eventfd stays open: a late waker may still write to it
        }
        stopped = false; // serve what came; no longer the instance, it ends when idle again
        return false;
    }

    /** A ready entry: the wake-up's is drained, any other's waiters are dispatched. */
    private void ready(int key, int fd, short revents, Interest i) {
        assert inLoop();
        if (i == wakeup) {
            Posix.read(loopState, wakeupFd, counter, 8);
            wakeupPending.set(false); // before applying updates: a later request wakes us again
        } else {
            dispatch(fd, revents, i);
        }
    }

    /** Completes the waiters of {@code i} that its revents satisfy. */
    private void dispatch(int fd, short revents, Interest i) {
        assert inLoop();
        boolean left = false;
        for (int k = i.waiters.size() - 1; k >= 0; k--) {
            Waiter w = i.waiters.get(k);
            if (w.isDone() || (revents & (w.events | FAILURE)) != 0) {
                i.waiters.remove(k);
                left = true;
                w.complete((int) revents); // no-op if cancelled; its dependents are jipc's own, and short
            }
        }
        if (left) {
            narrow(fd, i);
        }
    }

    private void runLater() {
        assert inLoop();
        Runnable task;
        while ((task = later.poll()) != null) {
            try {
                task.run();
            } catch (Throwable t) { // that task's owner is the one concerned: the others run
                log(System.Logger.Level.ERROR, "a task on jipc's reactor failed; the reactor goes on", t);
            }
        }
    }

    private void applyUpdates() {
        assert inLoop();
        Runnable u;
        while ((u = updates.poll()) != null) {
            u.run();
        }
    }

    /**
     * An iteration failed: the waits pending may never be told (the poll did not happen, or the
     * set is in doubt), so they fail with the reason, and the loop starts over with an empty set.
     */
    private void failed(Throwable t) {
        assert inLoop();
        failures++;
        IpcException reason = t instanceof IpcException e ? e
                : new IpcException("jipc's reactor failed: " + t + "; the wait was abandoned, retry it", t);
        int abandoned = 0;
        for (Interest i : interests.values()) {
            for (Waiter w : i.waiters) {
                abandoned += w.completeExceptionally(reason) ? 1 : 0;
            }
        }
        clear();
        long pause = Math.min(MAX_BACKOFF_MILLIS, 1L << Math.min(10, failures - 1)) - 1; // 0, 1, 3, 7 ... ms
        log(System.Logger.Level.ERROR, "jipc's reactor failed (" + failures + " in a row) and goes on: "
                + abandoned + " pending waits failed with " + reason.getMessage(), t);
        if (pause > 0) {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                // nobody interrupts the reactor: go on
            }
        }
    }

    /** Drops every fd but the wake-up's from the poll set. */
    private void clear() {
        assert inLoop();
        try {
            for (Interest i : interests.values()) {
                moved(pollSet.remove(i.slot), i.slot);
            }
        } finally {
            interests.clear();
        }
    }

    /** The end of a reactor {@link #shutDown} ends: its pending waits fail, its set is closed. */
    private void end() {
        assert inLoop();
        IpcException reason = new IpcException("this jipc reactor was shut down");
        for (Interest i : interests.values()) {
            i.waiters.forEach(w -> w.completeExceptionally(reason));
        }
        clear();
        pollSet.close();
        wakeupPending.set(true); // for good: no waker writes to the eventfd that shutDown closes
    }

    /** An iteration went well: after failures, says that the reactor works again. */
    private void recovered() {
        if (failures > 0) {
            log(System.Logger.Level.INFO, "jipc's reactor works again after " + failures + " failed iterations", null);
            failures = 0;
        }
    }

    private static void log(System.Logger.Level level, String message, Throwable t) {
        try {
            LOG.log(level, message, t);
        } catch (Throwable ignored) {
            // logging must not end the loop it reports on
        }
    }

    /** The waiters of one fd, and its key in the poll set; loop thread only. */
    private static final class Interest {
        /** Where the fd is in {@link #pollSet}; updated when a removal moves it. */
        int slot;
        /** In registration order; completed ones are removed. */
        final List<Waiter> waiters = new ArrayList<>(1);
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
