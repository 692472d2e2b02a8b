package dev.jipc.bench;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 5, child start: from starting a child JVM to its first message (jipc: a put on a pipe
 * the task captured) or first byte on stdout (baseline: {@code java -cp <class path>}
 * {@link Noop}). One child per shot (SingleShotTime); the child is reaped after the shot. Score:
 * ms, the report takes the median. Target: jipc at most 1.1x the bare java start.
 *
 * <p>The {@code AotCache} pair runs both sides with a JDK 25 AOT cache ({@code -XX:AOTCache},
 * JEP 483/514), each trained once per trial by a run with {@code -XX:AOTCacheOutput}: what a user
 * who passes those options through {@code ChildOptions.withJvmOptions} gets. It needs JDK 25+ and
 * a class path of jars only (benchmarks.jar is one); on an older JDK its setup fails and JMH goes on.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 25)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class ChildStartBench {

    @State(Scope.Thread)
    public static class JipcShot {
        Pipe<byte[]> pipe;
        ChildTask task;
        ChildProcess child;

        @Setup(Level.Invocation)
        public void prepare() {
            pipe = Jipc.pipe(Codec.raw());
            task = hello(pipe.writer());
        }

        @TearDown(Level.Invocation)
        public void reap() throws InterruptedException {
            Bench.reap(child);
            child = null;
            pipe.close();
        }
    }

    static ChildTask hello(PipeWriter<byte[]> writer) {
        return () -> writer.put(new byte[] {1});
    }

    /** The two AOT caches, trained once per trial in a directory removed afterwards. */
    @State(Scope.Benchmark)
    public static class AotCaches {
        Path dir;
        Path jipcCache;
        Path noopCache;

        @Setup(Level.Trial)
        public void train() throws Exception {
            if (Runtime.version().feature() < 25) {
                throw new IllegalStateException("the AotCache benchmarks need JDK 25+ (-XX:AOTCacheOutput)");
            }
            dir = Files.createTempDirectory("jipc-aot");
            jipcCache = dir.resolve("jipc-child.aot");
            noopCache = dir.resolve("noop.aot");
            try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
                ChildProcess child = Jipc.startProcess(hello(pipe.writer()),
                        ChildOptions.defaults().withJvmOptions("-XX:AOTCacheOutput=" + jipcCache));
                pipe.reader().get();
                child.join(); // the cache is written as the child exits
                child.close();
            }
            Process noop = new ProcessBuilder(Bench.javaCommand(List.of("-XX:AOTCacheOutput=" + noopCache),
                    Noop.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            noop.getInputStream().readAllBytes();
            noop.waitFor();
            for (Path cache : List.of(jipcCache, noopCache)) {
                if (!Files.isRegularFile(cache)) {
                    throw new IllegalStateException("training wrote no AOT cache at " + cache);
                }
            }
        }

        @TearDown(Level.Trial)
        public void remove() throws IOException {
            for (Path cache : List.of(jipcCache, noopCache)) {
                Files.deleteIfExists(cache);
            }
            Files.deleteIfExists(dir);
        }
    }

    @State(Scope.Thread)
    public static class JavaShot {
        Process process;

        @TearDown(Level.Invocation)
        public void reap() throws InterruptedException {
            Bench.reap(process);
            process = null;
        }
    }

    @Benchmark
    public byte[] jipc_startProcess(JipcShot s) throws InterruptedException {
        s.child = Jipc.startProcess(s.task);
        return s.pipe.reader().get();
    }

    @Benchmark
    public byte[] jipc_startProcessAotCache(JipcShot s, AotCaches caches) throws InterruptedException {
        s.child = Jipc.startProcess(s.task,
                ChildOptions.defaults().withJvmOptions("-XX:AOTCache=" + caches.jipcCache));
        return s.pipe.reader().get();
    }

    @Benchmark
    public int base_javaNoop(JavaShot s) throws IOException {
        return startNoop(s, List.of());
    }

    @Benchmark
    public int base_javaNoopAotCache(JavaShot s, AotCaches caches) throws IOException {
        return startNoop(s, List.of("-XX:AOTCache=" + caches.noopCache));
    }

    private static int startNoop(JavaShot s, List<String> jvmOptions) throws IOException {
        s.process = new ProcessBuilder(Bench.javaCommand(jvmOptions, Noop.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int b = s.process.getInputStream().read();
        if (b != '!') {
            throw new IllegalStateException("Noop wrote " + b);
        }
        return b;
    }
}
