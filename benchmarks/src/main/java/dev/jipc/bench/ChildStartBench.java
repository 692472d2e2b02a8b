package dev.jipc.bench;

import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeWriter;
import java.io.IOException;
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
    public int base_javaNoop(JavaShot s) throws IOException {
        s.process = new ProcessBuilder(Bench.javaCommand(Noop.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        int b = s.process.getInputStream().read();
        if (b != '!') {
            throw new IllegalStateException("Noop wrote " + b);
        }
        return b;
    }
}
