package dev.jipc.bench;

import dev.jipc.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What the benchmarks share: the child JVM command line, paths, and cleanup. */
final class Bench {
    /** Every fork: FFM native access for jipc, quiet sun.misc.Unsafe warnings from Fory (JDK 23+). */
    static final String NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    static final String UNSAFE_ALLOW = "--sun-misc-unsafe-memory-access=allow";

    private Bench() {
    }

    /** This JVM's java binary. */
    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * {@code java -cp <this class path> <flags> mainClass args}: a baseline child JVM. It gets the
     * same flags a jipc child gets (class path, native access, -Xrs), so that JVM start-up costs
     * the same on both sides.
     */
    static List<String> javaCommand(String mainClass, String... args) {
        return javaCommand(List.of(), mainClass, args);
    }

    /** As {@link #javaCommand(String, String...)}, with {@code jvmOptions} before the main class. */
    static List<String> javaCommand(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(NATIVE_ACCESS);
        if (Runtime.version().feature() >= 23) {
            cmd.add(UNSAFE_ALLOW);
        }
        cmd.add("-Xrs");
        cmd.addAll(jvmOptions);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Where run writes results: -Djipc.bench.results, else benchmarks/results under the working directory. */
    static Path resultsDir() throws IOException {
        String prop = System.getProperty("jipc.bench.results");
        Path dir = prop != null ? Path.of(prop) : Path.of("benchmarks", "results");
        Files.createDirectories(dir);
        return dir;
    }

    /** The compiled C helper: -Djipc.bench.stamp, else benchmarks/target/stamp under the working directory. */
    static String stampBinary() {
        String prop = System.getProperty("jipc.bench.stamp");
        Path p = prop != null ? Path.of(prop) : Path.of("benchmarks", "target", "stamp");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p.toAbsolutePath() + " is missing: benchmarks/run compiles it from "
                    + "benchmarks/src/main/c/stamp.c (cc -O2 -o benchmarks/target/stamp benchmarks/src/main/c/stamp.c)");
        }
        return p.toAbsolutePath().toString();
    }

    /** Waits for a jipc child briefly, then kills it and waits for that. */
    static void reap(ChildProcess child) throws InterruptedException {
        if (child == null) {
            return;
        }
        if (!child.join(Duration.ofSeconds(10))) {
            System.err.println("jipc child " + child + " did not exit: killing it");
            child.kill();
            child.join();
        }
        child.close();
    }

    /** Waits for a JDK child briefly, then kills it and waits for that. */
    static void reap(Process process) throws InterruptedException {
        if (process == null) {
            return;
        }
        if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
            System.err.println("baseline child " + process.pid() + " did not exit: killing it");
            process.destroyForcibly();
            process.waitFor();
        }
        closeQuietly(process);
    }

    static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already broken: the child is gone
        }
        try {
            process.getInputStream().close();
            process.getErrorStream().close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
