package dev.jipc.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.HandleClosedException;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.Subprocess;
import dev.jipc.WarmChildren;
import dev.jipc.internal.pipe.OneWayHandle;
import dev.jipc.testing.TestSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import jdk.jfr.Configuration;
import jdk.jfr.EventType;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JfrEventsTest {
    /** Spares that train briefly: these tests check events, not speed. */
    private static final ChildOptions QUICK = ChildOptions.defaults().withJvmOptions("-Djipc.spare.training=0.02");

    /** jipc's events of a recording stream, as they arrive. */
    private static final class Events implements AutoCloseable {
        final RecordingStream stream;
        private final BlockingQueue<RecordedEvent> arrived = new LinkedBlockingQueue<>();
        /** Every jipc event that arrived so far; the test thread's. */
        final List<RecordedEvent> seen = new ArrayList<>();

        /** @param configuration null for a stream with nothing enabled but what the test enables */
        Events(Configuration configuration) {
            stream = configuration == null ? new RecordingStream() : new RecordingStream(configuration);
            stream.setReuse(false); // the events are kept
            stream.onEvent(e -> {
                if (e.getEventType().getName().startsWith("dev.jipc.")) {
                    arrived.add(e);
                }
            });
        }

        Events start() {
            stream.startAsync();
            return this;
        }

        /** Waits for an event named {@code name} that {@code matches}, seen already or yet to come. */
        RecordedEvent await(String name, Predicate<RecordedEvent> matches) throws InterruptedException {
            Predicate<RecordedEvent> wanted = e -> e.getEventType().getName().equals(name) && matches.test(e);
            for (RecordedEvent e : seen) {
                if (wanted.test(e)) {
                    return e;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                RecordedEvent e = arrived.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (e == null) {
                    throw new AssertionError("no " + name + " as wanted arrived; seen: " + seen);
                }
                seen.add(e);
                if (wanted.test(e)) {
                    return e;
                }
            }
        }

        /** Takes what arrived meanwhile into {@link #seen}, without waiting. */
        List<RecordedEvent> seen(String name) {
            arrived.drainTo(seen);
            return seen.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    private static Events withDefaults() throws IOException, ParseException {
        return new Events(Configuration.getConfiguration("default")).start(); // as -XX:StartFlightRecording
    }

    private static int fd(Object handle) {
        return ((OneWayHandle<?>) handle).fd();
    }

    @Test
    void aNativeChildIsStartedAndExitsUnderTheDefaultSettings() throws Exception {
        try (Events events = withDefaults()) {
            Subprocess child = Jipc.spawn("true");
            child.join();
            child.close();

            RecordedEvent started = events.await("dev.jipc.ChildStarted", e -> e.getLong("pid") == child.pid());
            assertEquals("native", started.getString("kind"));
            assertEquals("true", started.getString("command"));
            assertEquals("true", started.getString("name"));
            assertFalse(started.getBoolean("warm"));
            assertTrue(started.getDuration().toNanos() > 0, "the spawn's duration: " + started.getDuration());
            assertTrue(started.getStackTrace() != null, "who spawned it");

            RecordedEvent exited = events.await("dev.jipc.ChildExited", e -> e.getLong("pid") == child.pid());
            assertEquals("exit 0", exited.getString("status"));
            assertEquals(0, exited.getInt("exitCode"));
            assertEquals("true", exited.getString("name"));
            assertTrue(exited.getDuration("lifetime").toNanos() > 0, "lifetime: " + exited.getDuration("lifetime"));
            assertFalse(exited.getStartTime().isBefore(started.getEndTime()), "exited after it started");
        }
    }

    @Test
    void aKilledChildExitsWithItsSignal() throws Exception {
        try (Events events = withDefaults()) {
            Subprocess child = Jipc.spawn("sleep", "30");
            child.kill();
            child.join();
            child.close();

            RecordedEvent started = events.await("dev.jipc.ChildStarted", e -> e.getLong("pid") == child.pid());
            assertEquals("sleep", started.getString("command"), "the program, never its arguments");
            RecordedEvent exited = events.await("dev.jipc.ChildExited", e -> e.getLong("pid") == child.pid());
            assertEquals("signal 9", exited.getString("status"));
            assertEquals(-9, exited.getInt("exitCode"));
        }
    }

    private static ChildTask noop() {
        return () -> { };
    }

    @Test
    void aColdJavaChildNamesItsTaskClass() throws Exception {
        try (Events events = withDefaults()) {
            ChildProcess child = Jipc.startProcess(noop(), ChildOptions.defaults().withName("cold-one"));
            child.join();

            RecordedEvent started = events.await("dev.jipc.ChildStarted", e -> e.getLong("pid") == child.pid());
            assertEquals("java", started.getString("kind"));
            assertTrue(started.getString("command").startsWith(JfrEventsTest.class.getName() + "$$Lambda"),
                    started.getString("command"));
            assertEquals("cold-one", started.getString("name"));
            if (System.getProperty("jipc.warmChildren") == null) {
                assertFalse(started.getBoolean("warm"));
            } // else a spare of an earlier start may have taken it
            RecordedEvent exited = events.await("dev.jipc.ChildExited", e -> e.getLong("pid") == child.pid());
            assertEquals("exit 0", exited.getString("status"));
            assertEquals("cold-one", exited.getString("name"));
        }
    }

    @Test
    void aWarmStartSaysWarm() throws Exception {
        try (Events events = withDefaults(); WarmChildren warm = WarmChildren.create(1, QUICK)) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (warm.ready() < 1) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the spare never became ready");
                }
                Thread.sleep(10);
            }
            ChildProcess child = warm.startProcess(noop(), "warm-one");
            child.join();

            RecordedEvent started = events.await("dev.jipc.ChildStarted", e -> e.getLong("pid") == child.pid());
            assertEquals("java", started.getString("kind"));
            assertTrue(started.getBoolean("warm"));
            assertEquals("warm-one", started.getString("name"));
            RecordedEvent exited = events.await("dev.jipc.ChildExited", e -> e.getLong("pid") == child.pid());
            assertEquals("exit 0", exited.getString("status"));
            assertEquals("warm-one", exited.getString("name"), "a spare takes its task's name");
        }
    }

    @Test
    void aGetThatParkedIsAPipeWaitAndOneThatDidNotIsNot() throws Exception {
        try (Events events = new Events(null);
                Pipe<byte[]> quick = Jipc.pipe(Codec.raw());
                Pipe<byte[]> slow = Jipc.pipe(Codec.raw())) {
            events.stream.enable("dev.jipc.PipeWait").withThreshold(Duration.ZERO);
            events.start();
            quick.writer().put(new byte[3]);
            quick.reader().get(); // the message is there: no park, no event

            CompletableFuture<Throwable> reader = TestSupport.blocked(Thread.ofPlatform(), () -> slow.reader().get());
            slow.writer().put(new byte[10]);
            assertNull(reader.get());

            RecordedEvent wait = events.await("dev.jipc.PipeWait",
                    e -> e.getString("handle").startsWith("Reader[fd " + fd(slow.reader()) + ","));
            assertEquals("read", wait.getString("direction"));
            assertEquals(10, wait.getLong("bytes"));
            assertEquals("Reader[fd " + fd(slow.reader()) + ", Codec.raw()]", wait.getString("handle"));
            assertTrue(wait.getDuration().toNanos() > 0);
            List<String> quickOnes = events.seen("dev.jipc.PipeWait").stream().map(e -> e.getString("handle"))
                    .filter(h -> h.contains("[fd " + fd(quick.reader()) + ",") || h.contains("[fd " + fd(quick.writer()) + ","))
                    .toList();
            assertEquals(List.of(), quickOnes, "operations that did not park");
        }
    }

    @Test
    void aPutIntoAFullPipeIsAPipeWait() throws Exception {
        try (Events events = new Events(null); Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            events.stream.enable("dev.jipc.PipeWait").withThreshold(Duration.ZERO);
            events.start();
            int size = 4 << 20; // over maxPipeBytes: the put parks until the reader drains it
            CompletableFuture<Throwable> writer = TestSupport.blocked(Thread.ofPlatform(),
                    () -> pipe.writer().put(new byte[size]));
            assertEquals(size, pipe.reader().get().length);
            assertNull(writer.get());

            RecordedEvent wait = events.await("dev.jipc.PipeWait",
                    e -> e.getString("handle").startsWith("Writer[fd " + fd(pipe.writer()) + ","));
            assertEquals("write", wait.getString("direction"));
            assertEquals(size, wait.getLong("bytes"));
        }
    }

    @Test
    void theReactorLoopIsSampledWithItsPollSet() throws Exception {
        try (Events events = new Events(null); Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            events.stream.enable("dev.jipc.ReactorLoop").withPeriod(Duration.ofMillis(50));
            events.start();
            // a virtual thread parks on the reactor (a platform thread would poll its fd itself)
            CompletableFuture<Throwable> reader = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());

            RecordedEvent sample = events.await("dev.jipc.ReactorLoop", e -> e.getInt("fds") >= 1);
            assertTrue(sample.getLong("iterations") >= 0);
            long iterations = events.seen("dev.jipc.ReactorLoop").stream().mapToLong(e -> e.getLong("iterations")).sum();
            assertTrue(iterations > 0, "the loop iterated to take the reader's fd: " + events.seen);
            pipe.close();
            assertInstanceOf(HandleClosedException.class, reader.get());
        }
    }

    @Test
    void eventsAreOnByDefaultWithTheirThresholdAndPeriod() {
        Map<String, String> wait = defaults(PipeWaitEvent.class);
        assertEquals("true", wait.get("enabled"));
        assertEquals("20 ms", wait.get("threshold"));
        Map<String, String> loop = defaults(ReactorLoopEvent.class);
        assertEquals("true", loop.get("enabled"));
        assertEquals("1 s", loop.get("period"));
        assertEquals("true", defaults(ChildStartedEvent.class).get("enabled"));
        assertEquals("true", defaults(ChildExitedEvent.class).get("enabled"));
        assertEquals(List.of("jipc"), EventType.getEventType(ChildExitedEvent.class).getCategoryNames());
    }

    private static Map<String, String> defaults(Class<? extends jdk.jfr.Event> type) {
        return EventType.getEventType(type).getSettingDescriptors().stream()
                .collect(Collectors.toMap(SettingDescriptor::getName, SettingDescriptor::getDefaultValue));
    }

    /**
     * A JVM without JFR loads no event class while it parks on a pipe and reaps a child: the
     * first would cost it JFR's set-up, some 250 ms.
     */
    @Test
    void withoutJfrNoEventClassIsLoaded() throws Exception {
        Path dir = Files.createTempDirectory("jipc-class-load");
        try {
            // A log per pid: under -Djipc.warmChildren a spare with the same options boots meanwhile.
            ChildProcess child = Jipc.startProcess(parkAndReap(),
                    ChildOptions.defaults().withJvmOptions("-Xlog:class+load=info:file=" + dir.resolve("%p.log")));
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
            List<String> loaded = Files.readAllLines(dir.resolve(child.pid() + ".log")).stream()
                    .filter(l -> l.contains(".jfr.")).toList();
            assertTrue(loaded.stream().anyMatch(l -> l.contains("dev.jipc.internal.jfr.Jfr ")),
                    "the child went through the gate: " + loaded);
            assertEquals(List.of(), loaded.stream().filter(EVENT_CLASS.asPredicate()).toList());
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** A class-load line of an event class: jipc's or JFR's base class. */
    private static final Pattern EVENT_CLASS = Pattern.compile("] (dev\\.jipc\\.internal\\.jfr\\.\\w+Event|jdk\\.jfr\\.Event) ");

    private static ChildTask parkAndReap() {
        return () -> {
            try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
                CompletableFuture<Throwable> reader = TestSupport.blocked(Thread.ofPlatform(), () -> pipe.reader().get());
                pipe.writer().put(new byte[1]);
                if (reader.get() != null) {
                    throw new AssertionError(reader.get());
                }
                Subprocess child = Jipc.spawn("true");
                child.join();
                child.close();
            }
        };
    }
}
