package dev.jipc;

import dev.jipc.internal.spawn.SpareSet;
import java.util.Objects;

/**
 * Child JVMs started ahead of their tasks, so that {@link #startProcess} takes milliseconds
 * instead of the hundreds a cold {@link Jipc#startProcess} costs, and the child runs at full speed
 * from its first message.
 *
 * <pre>{@code
 * try (WarmChildren warm = WarmChildren.create(2);          // two spares boot in the background
 *      Pipe<String> pipe = Jipc.pipe()) {
 *     PipeWriter<String> writer = pipe.writer();
 *     ChildProcess child = warm.startProcess(() -> writer.put("hello from " + ProcessHandle.current().pid()));
 *     System.out.println(pipe.reader().get());                // a ready spare answers in a few ms
 *     child.join();
 * }
 * }</pre>
 *
 * <p>A spare is a child JVM started with the options given here (daemon flag, JVM options,
 * environment; not the name) that has booted, linked jipc's native calls, initialised its codecs
 * and run frames through jipc's pipe I/O until the JIT compiled it, and then waits for a task. It
 * runs no user code and holds no fd of this process's but its control socket (and stdio) until it
 * takes a task, and it dies with this JVM whatever its daemon flag, even when this JVM is killed by
 * SIGKILL. {@code startProcess} hands a ready spare the task and the fds of the handles it
 * captures, over that socket, and returns; the child then behaves exactly as one from
 * {@link Jipc#startProcess(ChildTask, ChildOptions)}: the handles are closed here, exit statuses,
 * {@code terminate()}, daemon rules, stdin {@code /dev/null} and names {@code Process-N} are the
 * same. It runs that one task and exits; a spare is never reused. If no spare is ready,
 * {@code startProcess} starts the child cold, so it is never slower than a cold start. After each
 * use a replacement boots in the background, on one thread shared by every {@code WarmChildren}
 * in the JVM; a spare that dies while waiting is replaced and never handed a task. If three spares
 * in a row die before they are ready (bad JVM options, say), no more are booted and every start is
 * cold, so a broken setup never respawns forever.
 *
 * <p>Each spare costs its memory (a waiting JVM) and the CPU of its training, which it spends in
 * the background right after it boots.
 *
 * <p>The system property {@code jipc.warmChildren=N} makes {@link Jipc#startProcess} keep N
 * spares for each set of options it is called with (the first call with a new set starts cold).
 */
public final class WarmChildren implements AutoCloseable {
    private final SpareSet spares;

    private WarmChildren(SpareSet spares) {
        this.spares = spares;
    }

    /**
     * Keeps {@code spares} spares ready, started with the default options.
     *
     * @param spares how many spares to keep ready; 0 keeps none (every start is cold)
     * @return warm children with {@link ChildOptions#defaults()}
     * @throws IllegalArgumentException if {@code spares < 0}
     */
    public static WarmChildren create(int spares) {
        return create(spares, ChildOptions.defaults());
    }

    /**
     * Keeps {@code spares} spares ready, each started with {@code options} (its JVM options, class
     * path and environment).
     *
     * @param spares how many spares to keep ready; 0 keeps none
     * @param options how spares start (the name is not used: give it to {@link #startProcess(ChildTask, String)})
     * @return warm children that boot their first spares now, in the background
     * @throws IllegalArgumentException if {@code spares < 0}
     */
    public static WarmChildren create(int spares, ChildOptions options) {
        return new WarmChildren(SpareSet.create(spares, Objects.requireNonNull(options, "options")));
    }

    /**
     * Runs {@code task} in a ready spare, or in a cold child if none is ready.
     *
     * @param task what the child runs; serialized with everything it captures
     * @return the child, named {@code Process-N}
     * @throws HandleClosedException if a captured handle is closed; nothing is handed over
     * @throws HandleLockedException if a captured handle is mid-operation; nothing is handed over
     * @throws IpcException with cause {@link java.io.NotSerializableException} if the task captures
     *     something that is not serializable; or if its handles have more than 253 fds, the most
     *     one handover carries
     * @throws SpawnException if no spare was ready and a cold child could not be started
     * @throws IllegalStateException after {@link #close()}
     */
    public ChildProcess startProcess(ChildTask task) {
        return startProcess(task, null);
    }

    /**
     * Like {@link #startProcess(ChildTask)}, with a name.
     *
     * @param task what the child runs
     * @param name the child's name, or null for {@code Process-N}
     * @return the child
     */
    public ChildProcess startProcess(ChildTask task, String name) {
        return spares.startProcess(task, name);
    }

    /**
     * Prepares every spare, waiting or still booting, for tasks written as {@code task}'s lambda,
     * before the first of them starts. The first task of a lambda that no spare has seen is the
     * slowest warm start (the spare loads the class that wrote it and spins the lambda: 6-12 ms on
     * a 2-core machine, against 1-3 ms later); spares learn a lambda by themselves when one of its
     * tasks is started, and this call lets a server teach them at start-up instead. Nothing is
     * started or handed over: the spares deserialize the lambda without what it captured, which
     * initializes the class that wrote it in each spare, as its first task would.
     *
     * <p>A lambda is told apart by where it is written, so rehearse the very expression the tasks
     * come from, typically a method that returns the task; what it captures is not sent, and may be
     * null:
     *
     * <pre>{@code
     * static ChildTask answer(PipeWriter<String> out) {
     *     return () -> out.put("ready");
     * }
     *
     * try (WarmChildren warm = WarmChildren.create(2)) {
     *     warm.rehearse(answer(null));                      // at start-up
     *     ...
     *     ChildProcess child = warm.startProcess(answer(pipe.writer()));   // as fast as later ones
     * }
     * }</pre>
     *
     * @param task a task written as the lambda to rehearse; it is serialized, never run
     * @return true if the spares rehearse it (now, and every spare booted later); false if it
     *     cannot be rehearsed: it is not a serializable lambda, or its class is not visible from the
     *     task's class loader, or it serializes to more than 16 KiB
     * @throws HandleClosedException if a captured handle is closed, as {@link #startProcess} would
     * @throws HandleLockedException if a captured handle is mid-operation
     * @throws IpcException with cause {@link java.io.NotSerializableException} if it captures
     *     something that is not serializable
     * @throws IllegalStateException after {@link #close()}
     */
    public boolean rehearse(ChildTask task) {
        return spares.rehearse(task);
    }

    /**
     * How many spares wait now; a start takes one of them, and the set refills in the background.
     *
     * @return spares booted, trained and waiting now
     */
    public int ready() {
        return spares.ready();
    }

    /** Kills and reaps the spares not yet used; children already started are not affected. */
    @Override
    public void close() {
        spares.close();
    }
}
