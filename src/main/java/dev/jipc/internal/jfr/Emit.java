package dev.jipc.internal.jfr;

import dev.jipc.ExitStatus;
import java.util.List;
import java.util.function.Supplier;
import jdk.jfr.Event;
import jdk.jfr.FlightRecorder;

/** Creates and commits the events; reached only through {@link Jfr}, once JFR is initialized. */
final class Emit {
    /** The reactor sampled last, and its iteration count then; guarded by the class's monitor. */
    private static Jfr.LoopCounters sampled;
    private static int sampledIterations;

    private Emit() {
    }

    /** Installs the periodic event and loads the others: once, when JFR is initialized. */
    static void install(Supplier<? extends Jfr.LoopCounters> reactor) {
        FlightRecorder.addPeriodicEvent(ReactorLoopEvent.class, () -> sampleReactor(reactor.get()));
        List.of(ChildStartedEvent.class, ChildExitedEvent.class, PipeWaitEvent.class); // loaded here, not on the reactor
    }

    /** @return the event begun, or null if no recording wants it (then nothing is kept) */
    static Object childStarting() {
        ChildStartedEvent e = new ChildStartedEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    static void childStarted(Object started, long pid, boolean java, String command, String name, boolean warm) {
        ChildStartedEvent e = (ChildStartedEvent) started;
        e.end();
        if (e.shouldCommit()) {
            e.pid = pid;
            e.kind = java ? "java" : "native";
            e.command = command;
            e.name = name;
            e.warm = warm;
            e.commit();
        }
    }

    static void childExited(long pid, String name, ExitStatus status, long startedAt) {
        ChildExitedEvent e = new ChildExitedEvent();
        if (e.shouldCommit()) {
            e.pid = pid;
            e.name = name;
            e.status = text(status);
            e.exitCode = status == null ? Integer.MIN_VALUE : status.exitCode();
            e.lifetime = System.nanoTime() - startedAt;
            e.commit();
        }
    }

    /** {@code exit 0}, {@code signal 9}, as a shell would say it. */
    static String text(ExitStatus status) {
        return switch (status) {
            case null -> "lost";
            case ExitStatus.Exited x -> "exit " + x.code();
            case ExitStatus.Signaled s -> "signal " + s.signal() + (s.coreDumped() ? " (core dumped)" : "");
        };
    }

    /** @return the event begun, or null if no recording wants it */
    static Object pipeWaitBegins() {
        PipeWaitEvent e = new PipeWaitEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        return e;
    }

    static void end(Object event) {
        ((Event) event).end();
    }

    static boolean shouldCommit(Object event) {
        return ((Event) event).shouldCommit();
    }

    static void pipeWaited(Object wait, String handle, boolean reading, long bytes) {
        PipeWaitEvent e = (PipeWaitEvent) wait;
        e.handle = handle;
        e.direction = reading ? "read" : "write";
        e.bytes = bytes;
        e.commit();
    }

    /** The periodic hook, on JFR's thread: reads the loop's counters (racily: they are plain ints). */
    private static synchronized void sampleReactor(Jfr.LoopCounters r) {
        if (r == null) {
            return; // none running: nothing to say
        }
        int iterations = r.iterations();
        ReactorLoopEvent e = new ReactorLoopEvent();
        e.fds = r.watchedFds();
        e.iterations = Integer.toUnsignedLong(r == sampled ? iterations - sampledIterations : iterations);
        e.commit();
        sampled = r;
        sampledIterations = iterations;
    }
}
