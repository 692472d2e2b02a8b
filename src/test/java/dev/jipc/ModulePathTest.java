package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.ModulePaths;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.spi.ToolProvider;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jipc as the module {@code dev.jipc}: an application module, compiled here, pipes to a child and
 * back with the exact command line a module-path user writes; the child runs on the module path too.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ModulePathTest {
    /** An application module: a round trip through a child, with {@code Codec.raw()} or Fory. */
    private static final Map<String, String> APP = Map.of(
            "module-info.java", """
                    module app {
                        requires dev.jipc;
                        exports app; // Fory's generated serializers for Greeting live in an unnamed module
                    }
                    """,
            "app/Main.java", """
                    package app;

                    import static java.nio.charset.StandardCharsets.UTF_8;

                    import dev.jipc.ChildProcess;
                    import dev.jipc.Codec;
                    import dev.jipc.DuplexHandle;
                    import dev.jipc.DuplexPipe;
                    import dev.jipc.Jipc;

                    public final class Main {
                        public record Greeting(String text, String modules) { }

                        public static void main(String[] args) throws Exception {
                            System.out.println("round trip: " + (args[0].equals("fory") ? fory() : raw()));
                        }

                        private static String raw() throws Exception {
                            try (DuplexPipe<byte[]> pipe = Jipc.duplexPipe(Codec.raw())) {
                                DuplexHandle<byte[]> end = pipe.second();
                                ChildProcess child = Jipc.startProcess(
                                        () -> end.put((new String(end.get(), UTF_8) + " back from " + modules()).getBytes(UTF_8)));
                                pipe.first().put("hello".getBytes(UTF_8));
                                String answer = new String(pipe.first().get(), UTF_8);
                                return answer + ", child exit " + exit(child);
                            }
                        }

                        private static String fory() throws Exception {
                            try (DuplexPipe<Greeting> pipe = Jipc.duplexPipe(Codec.fory(Greeting.class))) {
                                DuplexHandle<Greeting> end = pipe.second();
                                ChildProcess child = Jipc.startProcess(() -> {
                                    Greeting greeting = end.get();
                                    end.put(new Greeting(greeting.text() + " back", modules()));
                                });
                                pipe.first().put(new Greeting("hello", null));
                                return pipe.first().get() + ", child exit " + exit(child);
                            }
                        }

                        /** Where jipc and this class were loaded from: in the child too, named modules. */
                        private static String modules() {
                            return Jipc.class.getModule().getName() + " and " + Main.class.getModule().getName();
                        }

                        private static int exit(ChildProcess child) throws InterruptedException {
                            child.join();
                            return child.exitCode().getAsInt();
                        }
                    }
                    """);

    @TempDir
    static Path dir;
    /** The compiled application module's directory. */
    private static Path app;

    @BeforeAll
    static void compileTheApplication() throws IOException {
        app = dir.resolve("app");
        assertEquals(List.of(), compile(dir.resolve("app-src"), APP, app));
    }

    @Test
    void moduleExportsOnlyTheApiAndRequiresFory() {
        ModuleDescriptor jipc = ModuleFinder.of(ModulePaths.jipcAndFory().getFirst()).find("dev.jipc")
                .orElseThrow(() -> new AssertionError("no module-info.class beside jipc's classes")).descriptor();
        assertEquals(Set.of("dev.jipc"),
                jipc.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        assertTrue(jipc.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified));
        assertEquals(Set.of(), jipc.opens());
        assertFalse(jipc.isOpen());
        assertTrue(jipc.requires().stream().anyMatch(r -> r.name().equals("org.apache.fory.core")));
        assertTrue(jipc.requires().stream().anyMatch(r -> r.name().equals("jdk.jfr")), "for its JFR events");
    }

    @Test
    void internalPackagesAreNotVisibleToAnotherModule() throws IOException {
        Map<String, String> intruder = Map.of(
                "module-info.java", "module intruder { requires dev.jipc; }",
                "intruder/Main.java", """
                        package intruder;

                        public final class Main {
                            Object handle = new dev.jipc.internal.pipe.ReaderHandle<Object>(0, null, null);
                        }
                        """);
        List<String> errors = compile(dir.resolve("intruder-src"), intruder, dir.resolve("intruder"));
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.getFirst().contains("compiler.err.package.not.visible: dev.jipc.internal.pipe"), errors.toString());
    }

    @Test
    void rawRoundTripThroughAChildOnTheModulePathWithTheDocumentedFlagOnly() throws Exception {
        Run run = runApp("raw", "--enable-native-access=dev.jipc");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("round trip: hello back from dev.jipc and app, child exit 0\n", run.stdout(), run.toString());
        assertEquals("", run.stderr(), "no warning");
    }

    @Test
    void foryRoundTripOfAnApplicationRecordWithTheDocumentedOpens() throws Exception {
        // Fory reaches into java.lang.invoke on JDK 25+ (the class path opens it through Unsafe instead).
        Run run = runApp("fory", "--enable-native-access=dev.jipc",
                "--add-opens=java.base/java.lang.invoke=org.apache.fory.core");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("round trip: Greeting[text=hello back, modules=dev.jipc and app], child exit 0\n",
                run.stdout(), run.toString());
        assertEquals("", run.stderr(), "no warning");
    }

    @Test
    void jfrEventsAreRecordedFromTheModule() throws Exception {
        Path recording = dir.resolve("raw.jfr");
        Run run = runApp("raw", "--enable-native-access=dev.jipc", "-XX:StartFlightRecording=filename=" + recording,
                "-Xlog:jfr+startup=warning");
        assertEquals(0, run.exit(), run.toString());
        assertEquals("", run.stderr(), "no warning");
        List<RecordedEvent> events = RecordingFile.readAllEvents(recording).stream()
                .filter(e -> e.getEventType().getName().startsWith("dev.jipc.")).toList();
        RecordedEvent started = events.stream().filter(e -> e.getEventType().getName().equals("dev.jipc.ChildStarted"))
                .findFirst().orElseThrow(() -> new AssertionError("no ChildStarted in " + events));
        assertEquals("java", started.getString("kind"));
        assertTrue(started.getString("command").startsWith("app.Main$$Lambda"), started.getString("command"));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.jipc.ChildExited")
                && e.getLong("pid") == started.getLong("pid") && e.getString("status").equals("exit 0")), events.toString());
    }

    /** What a run of the application printed, and its exit status. */
    private record Run(int exit, String stdout, String stderr) {
    }

    /** {@code java FLAGS --module-path app:jipc:fory -m app/app.Main MODE}, as a user runs it. */
    private static Run runApp(String mode, String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(flags));
        command.addAll(List.of("--module-path", app + File.pathSeparator + ModulePaths.jipcAndForyPath(),
                "-m", "app/app.Main", mode));
        Path out = dir.resolve(mode + ".out");
        Path err = dir.resolve(mode + ".err");
        // Files, not pipes: the application's child inherits its stdout and stderr.
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(4, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("the application did not end: " + command);
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Compiles {@code sources} (path to text) against jipc and Fory with the JDK's javac.
     *
     * @return javac's error and warning lines, as diagnostic keys ({@code -XDrawDiagnostics})
     */
    private static List<String> compile(Path sourceDir, Map<String, String> sources, Path out) throws IOException {
        List<String> args = new ArrayList<>(List.of("-XDrawDiagnostics", "-Xlint:-incubating", "-d", out.toString(),
                "--module-path", ModulePaths.jipcAndForyPath()));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = sourceDir.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            args.add(Files.writeString(file, source.getValue()).toString());
        }
        StringWriter output = new StringWriter();
        try (PrintWriter writer = new PrintWriter(output)) {
            ToolProvider.findFirst("javac").orElseThrow().run(writer, writer, args.toArray(String[]::new));
        }
        return output.toString().lines().filter(line -> line.contains(": compiler.")).toList();
    }
}
