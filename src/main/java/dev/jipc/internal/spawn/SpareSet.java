package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.IpcException;
import dev.jipc.internal.child.Rehearsal;
import dev.jipc.internal.child.SpareProtocol;
import dev.jipc.internal.child.Training;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps {@code target} spares for one set of child options and hands them tasks: what
 * {@code WarmChildren} is. Spares boot on the spawner thread (one thread for every set in the
 * JVM), a replacement {@link #REFILL_DELAY_MILLIS} after a spare is taken; a spare's readiness is read from its control socket when a task or {@link #ready()} asks,
 * and its death is noticed by its reaping, so a waiting spare costs the parent no thread and no fd
 * but its pidfd and its control socket. {@link #lock} is never held across a wait.
 */
public final class SpareSet implements AutoCloseable {
    /** Whether the parent's own training was asked for: once per JVM. */
    private static final java.util.concurrent.atomic.AtomicBoolean PARENT_TRAINED = new java.util.concurrent.atomic.AtomicBoolean();
    /** After this many spares in a row die before they are ready, the set stops booting more. */
    static final int MAX_FAILED_BOOTS = 3;
    /**
     * How long after a spare is taken its replacement starts to boot: a JVM's boot and training
     * take a core or two for a second, which the new child's first second should not compete with.
     */
    static final long REFILL_DELAY_MILLIS = 1_000;
    private static final System.Logger LOG = System.getLogger("dev.jipc");

    /** Lambdas rehearsed at most, the oldest forgotten first. */
    static final int MAX_REHEARSALS = 8;

    private final ChildOptions options;
    private final int target;
    /** Guards every field below, and the control sockets of the spares in {@link #spares}. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Spares BOOTING or READY, oldest first. */
    private final List<Spare> spares = new ArrayList<>();
    /** Spares asked of the spawner and not yet in {@link #spares}. */
    private int spawning;
    /**
     * The rehearsals of the lambdas handed out so far, by {@link Rehearsal#key}, oldest first
     * (null: it cannot be rehearsed); every spare is sent each once.
     */
    private final LinkedHashMap<String, byte[]> rehearsals = new LinkedHashMap<>();
    /** Spares in a row that died before they were ready. */
    private int failedBoots;
    private boolean closed;
    /** For probes; used under {@link #lock}. */
    private final Arena arena = Arena.ofShared();
    private final CallState state = new CallState(arena);
    private final MemorySegment word = arena.allocate(1);

    /** {@link #refill}, linked when the set is made rather than at its first handover. */
    private final Runnable refiller = this::refill;

    private SpareSet(int target, ChildOptions options) {
        this.target = target;
        this.options = options.withName(null);
    }

    /** @param target how many spares to keep ready; 0 keeps none */
    public static SpareSet create(int target, ChildOptions options) {
        if (target < 0) {
            throw new IllegalArgumentException("spares must be >= 0, not " + target);
        }
        SpareSet set = new SpareSet(target, Objects.requireNonNull(options, "options"));
        set.refill();
        if (target > 0 && PARENT_TRAINED.compareAndSet(false, true)) {
            JavaLauncher.SPAWNER.execute(SpareSet::trainParent); // after the first spares are spawned
        }
        return set;
    }

    /**
     * Runs {@code task} in a ready spare, or cold if none is ready.
     *
     * @param name the child's name, or null for {@code Process-N}
     */
    public ChildProcess startProcess(ChildTask task, String name) {
        return startProcess(task, name, false);
    }

    /**
     * @param coldIfTooMany whether a task with more fds than one handover carries starts cold
     *     instead of being refused (for {@code jipc.warmChildren}, which must accept what a cold
     *     start accepts)
     */
    ChildProcess startProcess(ChildTask task, String name, boolean coldIfTooMany) {
        Objects.requireNonNull(task, "task");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("these warm children are closed: create a new WarmChildren");
            }
        } finally {
            lock.unlock();
        }
        Object started = Jfr.childStarting();
        HandleTransfer.Captured captured = HandleTransfer.capture(task);
        boolean tooMany = captured.fds().length > Sockets.MAX_FDS;
        if (tooMany && !coldIfTooMany) {
            throw new IpcException("the task captures handles with " + captured.fds().length + " fds, and a warm"
                    + " child takes at most " + Sockets.MAX_FDS + " (one SCM_RIGHTS message); hand fewer"
                    + " handles, or start it with Jipc.startProcess; nothing was handed over");
        }
        String childName = JavaLauncher.nameOr(name);
        ChildProcess child = null;
        Spare spare;
        while (!tooMany && child == null && (spare = take()) != null) {
            JavaLauncher.SPAWNER.schedule(refiller, REFILL_DELAY_MILLIS, TimeUnit.MILLISECONDS);
            child = spare.handOver(captured, childName, options.daemon());
        }
        boolean warm = child != null;
        if (!warm) {
            child = JavaLauncher.startCold(captured, childName, options); // the refills asked for will come
        }
        if (captured.lambda() != null) {
            // Only now: a spare that is sent the rehearsal must not be the one this task was about to take,
            // which would first restore the lambda once for nothing.
            JavaLauncher.SPAWNER.execute(new Learning(captured.lambda(), task.getClass()));
        }
        Jfr.childStarted(started, child.pid(), true, task.getClass().getName(), child.name(), warm);
        return child;
    }

    /** {@link #learn} as a task for the spawner: a class, not a lambda, so that no first handover links one. */
    private final class Learning implements Runnable {
        private final SerializedLambda lambda;
        private final Class<?> taskClass;

        Learning(SerializedLambda lambda, Class<?> taskClass) {
            this.lambda = lambda;
            this.taskClass = taskClass;
        }

        @Override
        public void run() {
            learn(lambda, taskClass); // false: not rehearsable, which only the speed of later starts shows
        }
    }

    /**
     * On the spawner: the first time a lambda is handed out, its rehearsal goes to every spare, so
     * that the next task of that lambda finds its classes loaded and linked.
     */
    private boolean learn(SerializedLambda lambda, Class<?> taskClass) {
        String key = Rehearsal.key(lambda);
        lock.lock();
        try {
            if (closed || rehearsals.containsKey(key)) {
                return rehearsals.get(key) != null;
            }
        } finally {
            lock.unlock();
        }
        byte[] rehearsal = Rehearsal.of(lambda, taskClass); // outside the lock: it serializes
        byte[] message = rehearsal == null ? null : SpareProtocol.rehearsal(rehearsal);
        List<Spare> garbled = new ArrayList<>();
        lock.lock();
        try {
            if (closed || rehearsals.containsKey(key)) {
                return rehearsals.get(key) != null;
            }
            rehearsals.put(key, message);
            if (rehearsals.size() > MAX_REHEARSALS) {
                rehearsals.pollFirstEntry();
            }
            for (Spare s : spares) {
                if (message != null && !s.rehearse(message)) {
                    garbled.add(s);
                }
            }
        } finally {
            lock.unlock();
        }
        garbled.forEach(s -> s.child.kill()); // their reaping replaces them
        return message != null;
    }

    /**
     * Has every spare, waiting or booting, rehearse {@code task}'s lambda now, before a task of it
     * is started (see {@code WarmChildren.rehearse}); nothing is handed over, the task's handles
     * are untouched.
     *
     * @return whether the lambda is rehearsed: false for a task that is not a serializable lambda,
     *     or one whose class the rehearsal cannot name
     */
    public boolean rehearse(ChildTask task) {
        Objects.requireNonNull(task, "task");
        if (isClosed()) {
            throw new IllegalStateException("these warm children are closed: create a new WarmChildren");
        }
        HandleTransfer.Captured captured = HandleTransfer.capture(task); // the same checks as a start's
        return captured.lambda() != null && learn(captured.lambda(), task.getClass());
    }

    /** @return spares booted, trained and waiting now */
    public int ready() {
        lock.lock();
        try {
            int n = 0;
            for (Spare s : spares) {
                n += s.probe(state, word) ? 1 : 0;
            }
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Kills and reaps the spares not yet taken; started children are not affected. */
    @Override
    public void close() {
        List<Spare> left;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            left = List.copyOf(spares);
        } finally {
            lock.unlock();
        }
        for (Spare s : left) {
            s.child.kill(); // its reaping closes its control socket (see gone)
        }
        boolean interrupted = false;
        for (Spare s : left) {
            while (true) {
                try {
                    s.child.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return a ready spare, no longer in the set, or null */
    private Spare take() {
        lock.lock();
        try {
            for (int i = 0; i < spares.size(); i++) {
                Spare s = spares.get(i);
                if (s.probe(state, word)) {
                    spares.remove(i); // an ordinary child from now on: gone() no longer acts on it
                    failedBoots = 0;
                    return s;
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the spawner for the spares missing. */
    private void refill() {
        int missing;
        lock.lock();
        try {
            if (closed || failedBoots >= MAX_FAILED_BOOTS) {
                return;
            }
            missing = target - spares.size() - spawning;
            spawning += Math.max(0, missing);
        } finally {
            lock.unlock();
        }
        for (int i = 0; i < missing; i++) {
            JavaLauncher.SPAWNER.execute(this::boot);
        }
    }

    /** On the spawner: this JVM's side of handovers and first messages, while spares boot. */
    private static void trainParent() {
        try {
            Training.parent();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "jipc: the parent's training failed; first handovers may be slower", e);
        }
    }

    /** On the spawner: one more spare. */
    private void boot() {
        Spare spare = null;
        boolean failed = false;
        try {
            if (!isClosed()) {
                spare = spawnSpare();
            }
        } catch (RuntimeException e) {
            failed = true;
            LOG.log(System.Logger.Level.WARNING, "jipc: could not start a spare child JVM; children start cold", e);
        }
        boolean kill;
        lock.lock();
        try {
            spawning--;
            failedBoots += failed ? 1 : 0;
            if (spare == null) {
                return;
            }
            spares.add(spare); // before the hook: gone() acts only on spares in the set
            kill = closed; // closed meanwhile
            for (byte[] message : rehearsals.values()) {
                if (message != null && !kill && !spare.rehearse(message)) {
                    kill = true; // garbled; its replacement will boot
                }
            }
        } finally {
            lock.unlock();
        }
        Spare s = spare;
        spare.child.onReaped = () -> gone(s);
        if (!spare.child.isAlive()) { // reaped before the hook was set
            gone(spare);
        } else if (kill) {
            spare.child.kill(); // its reaping closes the control socket
        }
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    private Spare spawnSpare() {
        int[] pair = Sockets.socketpair();
        JavaLauncher.JavaChild child;
        try {
            Posix.setNonBlocking(pair[0]);
            child = JavaLauncher.spawnSpare(options, pair[1]);
        } catch (RuntimeException e) {
            Posix.close(pair[0]);
            throw e;
        } finally {
            Posix.close(pair[1]);
        }
        return new Spare(child, pair[0]);
    }

    /** The spare was reaped before it was taken: forget it, and boot another. */
    private void gone(Spare spare) {
        boolean wasReady;
        lock.lock();
        try {
            if (!spares.remove(spare)) {
                return; // taken meanwhile (an ordinary child now), or told twice
            }
            wasReady = spare.probe(state, word);
            Posix.close(spare.control);
            if (wasReady) {
                failedBoots = 0;
            } else if (++failedBoots == MAX_FAILED_BOOTS) {
                LOG.log(System.Logger.Level.WARNING, "jipc: " + MAX_FAILED_BOOTS + " spare child JVMs in a row died"
                        + " before they were ready (last: " + spare.child + "); no more are started for " + options
                        + ", children start cold");
            }
        } finally {
            lock.unlock();
        }
        refill();
    }
}
