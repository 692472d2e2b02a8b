package dev.jipc.bench;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.jipc.ExitStatus;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.Subprocess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Workload 2, exit latency: how long after a child's exit its exit future completes.
 *
 * <p>The child is benchmarks/src/main/c/stamp.c, spawned and made ready (it wrote "r") in
 * {@code @Setup(Level.Invocation)}. JMH times "write a byte to its stdin, wait until the exit
 * future completes" (SampleTime). The precise figure is taken from the child's own clock: it writes
 * its CLOCK_MONOTONIC time just before {@code _exit}, and a callback registered on the exit future
 * takes {@code System.nanoTime()} (the same clock on Linux) when the future completes; those
 * latencies (measurement iterations only) go to results/exit-latency.json for the report.
 * Target: jipc's p50 at most half of {@code Process.onExit()}'s, and far below NuProcess's.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class ExitLatency {

    /** Collects exit-to-future latencies during measurement iterations, saves them at the end. */
    public abstract static class Recorder {
        private final LatencyFile.Samples samples = new LatencyFile.Samples();
        private boolean measuring;
        final String stamp = Bench.stampBinary();
        /** System.nanoTime() when the exit future completed, set by a callback on it. */
        volatile long completedAt;

        @Setup(Level.Iteration)
        public void iteration(IterationParams params) {
            measuring = params.getType() == IterationType.MEASUREMENT;
        }

        /** Records (completion time) - (child's stamp: 8 bytes little-endian). */
        final void record(byte[] stampBytes) {
            if (stampBytes.length != 8) {
                throw new IllegalStateException("the child wrote " + stampBytes.length + " stamp bytes, not 8");
            }
            long exitedAt = ByteBuffer.wrap(stampBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long done = completedAt;
            if (done == 0) {
                throw new IllegalStateException("the exit future's callback did not run");
            }
            if (measuring) {
                samples.add(done - exitedAt);
            }
        }

        @TearDown(Level.Trial)
        public void save(BenchmarkParams params) throws IOException {
            LatencyFile.append(params.getBenchmark(), "exit to exit-future completion (child stamp)",
                    samples.toArray());
        }
    }

    static void expectReady(InputStream stdout) throws IOException {
        int r = stdout.read();
        if (r != 'r') {
            throw new IllegalStateException("stamp did not say ready, read " + r);
        }
    }

    @State(Scope.Thread)
    public static class JipcChild extends Recorder {
        Subprocess child;
        CompletableFuture<ExitStatus> observed;

        @Setup(Level.Invocation)
        public void spawn() throws IOException {
            child = Jipc.spawn(SpawnOptions.defaults(), stamp); // stdin PIPE, stdout PIPE
            expectReady(child.stdout());
            completedAt = 0;
            observed = child.onExit().whenComplete((status, failure) -> completedAt = System.nanoTime());
        }

        @TearDown(Level.Invocation)
        public void reap() throws Exception {
            child.join();
            record(child.stdout().readNBytes(8)); // drained into memory at reaping
            child.close();
        }
    }

    @State(Scope.Thread)
    public static class JdkChild extends Recorder {
        Process process;
        CompletableFuture<Process> observed;

        @Setup(Level.Invocation)
        public void spawn() throws IOException {
            process = new ProcessBuilder(stamp).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            expectReady(process.getInputStream());
            completedAt = 0;
            observed = process.onExit().whenComplete((p, failure) -> completedAt = System.nanoTime());
        }

        @TearDown(Level.Invocation)
        public void reap() throws Exception {
            process.waitFor();
            record(process.getInputStream().readNBytes(8));
            Bench.closeQuietly(process);
        }
    }

    @State(Scope.Thread)
    public static class NuChild extends Recorder {
        NuProcess process;
        Handler handler;

        /** Collects stdout; onExit takes the completion time. */
        final class Handler extends NuAbstractProcessHandler {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final CountDownLatch ready = new CountDownLatch(1);
            final CountDownLatch exited = new CountDownLatch(1);
            final CountDownLatch stdoutClosed = new CountDownLatch(1);

            @Override
            public void onStdout(ByteBuffer buffer, boolean closed) {
                synchronized (out) {
                    while (buffer.hasRemaining()) {
                        out.write(buffer.get());
                    }
                }
                if (out.size() > 0) {
                    ready.countDown();
                }
                if (closed) {
                    stdoutClosed.countDown();
                }
            }

            @Override
            public void onExit(int exitCode) {
                completedAt = System.nanoTime();
                exited.countDown();
            }

            byte[] stampBytes() {
                synchronized (out) {
                    byte[] all = out.toByteArray();
                    return java.util.Arrays.copyOfRange(all, 1, all.length);
                }
            }
        }

        @Setup(Level.Invocation)
        public void spawn() throws InterruptedException {
            handler = new Handler();
            NuProcessBuilder builder = new NuProcessBuilder(List.of(stamp));
            builder.setProcessListener(handler);
            completedAt = 0;
            process = builder.start();
            if (process == null || !handler.ready.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("NuProcess: stamp did not start or say ready");
            }
        }

        @TearDown(Level.Invocation)
        public void reap() throws InterruptedException {
            process.waitFor(0, TimeUnit.SECONDS);
            if (!handler.stdoutClosed.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("NuProcess: stdout of the stamp child never closed");
            }
            record(handler.stampBytes());
        }
    }

    @Benchmark
    public ExitStatus jipc_onExit(JipcChild s) throws IOException {
        OutputStream stdin = s.child.stdin();
        stdin.write(1); // unbuffered: the child reads it now
        return s.observed.join();
    }

    @Benchmark
    public Process base_processOnExit(JdkChild s) throws IOException {
        OutputStream stdin = s.process.getOutputStream();
        stdin.write(1);
        stdin.flush();
        return s.observed.join();
    }

    @Benchmark
    public boolean base_nuProcessOnExit(NuChild s) throws InterruptedException {
        s.process.writeStdin(ByteBuffer.wrap(new byte[] {1}));
        s.handler.exited.await();
        return true;
    }
}
