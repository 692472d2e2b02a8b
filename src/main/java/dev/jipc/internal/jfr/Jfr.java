package dev.jipc.internal.jfr;

import dev.jipc.ExitStatus;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/**
 * jipc's JFR events, for the code that emits them. Nothing here touches an event class until
 * JFR is initialized (a recording was started, by {@code -XX:StartFlightRecording}, {@code jcmd}
 * or the API): the first event class a JVM loads before that costs it about 250 ms, as JFR then
 * sets up its bytecode instrumentation, which would be paid by every JVM using jipc (child JVMs
 * too). Until then each call here is a static boolean read; afterwards {@link Emit} does the
 * work, and the event classes are loaded when JFR is initialized (see {@link #reactorStarted}),
 * not on the reactor thread.
 *
 * <p>The callers pass events around as {@code Object}, so that their own classes never name an
 * event type either.
 */
public final class Jfr {
    /** False on a runtime image without the jdk.jfr module (possible on the class path only). */
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.jfr").isPresent();
    /** Set by the first reactor, which registers the listener that installs the periodic event. */
    private static final AtomicBoolean LISTENING = new AtomicBoolean();

    private Jfr() {
    }

    /** @return whether JFR is initialized, so that events may be created */
    static boolean on() {
        return AVAILABLE && FlightRecorder.isInitialized();
    }

    /**
     * At the start of {@code Jipc.spawn}, {@code Jipc.startProcess} or {@code WarmChildren.startProcess}.
     *
     * @return the begun {@code dev.jipc.ChildStarted} event to hand to {@link #childStarted}, or
     *     null when JFR is off
     */
    public static Object childStarting() {
        return on() ? Emit.childStarting() : null;
    }

    /**
     * The start call is about to return {@code pid}.
     *
     * @param started what {@link #childStarting} returned
     * @param command native: the program; java: the task's class name
     */
    public static void childStarted(Object started, long pid, boolean java, String command, String name, boolean warm) {
        if (started != null) {
            Emit.childStarted(started, pid, java, command, name, warm);
        }
    }

    /**
     * A child was reaped. Runs on the reactor thread mostly: no user code, nothing built unless
     * a recording wants the event.
     *
     * @param status null if the status was lost
     * @param startedAt the {@link System#nanoTime()} of its start
     */
    public static void childExited(long pid, String name, ExitStatus status, long startedAt) {
        if (on()) {
            Emit.childExited(pid, name, status, startedAt);
        }
    }

    /**
     * A pipe operation is about to park; called by the thread holding the fd's lock, before each park.
     *
     * @param wait the operation's {@code dev.jipc.PipeWait} event if an earlier park began it, or null
     * @return the event, begun at the operation's first park; null when JFR is off or no recording wants it
     */
    public static Object parking(Object wait) {
        if (wait != null) {
            return wait;
        }
        return on() ? Emit.pipeWaitBegins() : null;
    }

    /** A park of the operation ended: the wait so far ends here (see {@link #parking}). */
    public static void woke(Object wait) {
        if (wait != null) {
            Emit.end(wait);
        }
    }

    /**
     * @param wait the event of an operation that parked, or null
     * @return whether its wait passed the threshold of a recording that wants it: only then is
     *     {@link #pipeWaited} worth its handle description
     */
    public static boolean isSlow(Object wait) {
        return wait != null && Emit.shouldCommit(wait);
    }

    /** Commits a wait that {@link #isSlow} accepted. */
    public static void pipeWaited(Object wait, String handle, boolean reading, long bytes) {
        Emit.pipeWaited(wait, handle, reading, bytes);
    }

    /** What {@code dev.jipc.ReactorLoop} samples: a reactor's loop counters, read racily. */
    public interface LoopCounters {
        /** @return loop iterations so far, wrapping at 2^32 */
        int iterations();

        /** @return the fds polled for waiters as of the last iteration */
        int watchedFds();
    }

    /**
     * A reactor was created. The first asks JFR to say when it is initialized (at once if it is),
     * and then installs the periodic {@code dev.jipc.ReactorLoop} event and loads the other
     * event classes.
     *
     * @param current the running reactor whenever the event is due, or null if none runs
     */
    public static void reactorStarted(Supplier<? extends LoopCounters> current) {
        if (AVAILABLE && LISTENING.compareAndSet(false, true)) {
            FlightRecorder.addListener(new FlightRecorderListener() {
                @Override
                public void recorderInitialized(FlightRecorder recorder) {
                    Emit.install(current);
                }
            });
        }
    }
}
