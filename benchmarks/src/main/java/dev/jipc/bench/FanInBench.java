package dev.jipc.bench;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.Codec;
import dev.jipc.DuplexHandle;
import dev.jipc.DuplexPipe;
import dev.jipc.HandleClosedException;
import dev.jipc.Jipc;
import dev.jipc.PeerClosedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 7, fan-in: many virtual threads ping-pong 64 B at once, each over its own jipc
 * {@code DuplexPipe<byte[]>}. (a) {@link #THREADS} virtual threads, each with an echoing virtual
 * thread on the pipe's other end in this JVM; (b) {@link #CHILDREN} child JVMs, each echoing to its
 * own virtual thread here. Score: total round trips/s. Each runs once with the default carrier
 * parallelism and once ({@code _p2}) with {@code -Djdk.virtualThreadScheduler.parallelism=2}.
 * No baseline: the report shows absolute numbers.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class FanInBench {
    static final int THREADS = 1000;
    static final int THREAD_ROUNDS = 20;
    static final int CHILDREN = 16;
    static final int CHILD_ROUNDS = 500;
    static final String P2 = "-Djdk.virtualThreadScheduler.parallelism=2";
    static final byte[] PING = new byte[64];

    @State(Scope.Benchmark)
    public static class InProcess {
        final List<DuplexPipe<byte[]>> pipes = new ArrayList<>();
        final List<Thread> echoes = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() {
            for (int i = 0; i < THREADS; i++) {
                DuplexPipe<byte[]> pipe = Jipc.duplexPipe(Codec.raw());
                pipes.add(pipe);
                DuplexHandle<byte[]> there = pipe.second();
                echoes.add(Thread.startVirtualThread(() -> {
                    try {
                        byte[] m;
                        while ((m = there.get()).length > 0) {
                            there.put(m);
                        }
                    } catch (PeerClosedException | HandleClosedException | InterruptedException e) {
                        // closed at teardown: done
                    }
                }));
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws InterruptedException {
            for (DuplexPipe<byte[]> pipe : pipes) {
                pipe.first().put(new byte[0]);
            }
            for (Thread t : echoes) {
                t.join();
            }
            pipes.forEach(DuplexPipe::close);
        }
    }

    @State(Scope.Benchmark)
    public static class Children {
        final List<DuplexPipe<byte[]>> pipes = new ArrayList<>();
        final List<ChildProcess> children = new ArrayList<>();

        @Setup(Level.Trial)
        public void start() throws Exception {
            ChildOptions small = ChildOptions.defaults().withJvmOptions("-Xmx64m", "-XX:+UseSerialGC");
            for (int i = 0; i < CHILDREN; i++) {
                DuplexPipe<byte[]> pipe = Jipc.duplexPipe(Codec.raw());
                pipes.add(pipe);
                children.add(Jipc.startProcess(PingPongBench.echo(pipe.second()), small));
            }
            for (DuplexPipe<byte[]> pipe : pipes) { // all up and echoing
                pipe.first().put(PING);
                pipe.first().get();
            }
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            for (DuplexPipe<byte[]> pipe : pipes) {
                pipe.first().put(new byte[0]);
            }
            for (ChildProcess child : children) {
                Bench.reap(child);
            }
            pipes.forEach(DuplexPipe::close);
        }
    }

    /** Every pipe's first handle does {@code rounds} round trips on its own virtual thread. */
    static void pingPongAll(List<DuplexPipe<byte[]>> pipes, int rounds) throws Exception {
        List<Future<?>> done = new ArrayList<>(pipes.size());
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            for (DuplexPipe<byte[]> pipe : pipes) {
                DuplexHandle<byte[]> here = pipe.first();
                done.add(vts.submit(() -> {
                    for (int r = 0; r < rounds; r++) {
                        here.put(PING);
                        here.get();
                    }
                    return null;
                }));
            }
        }
        for (Future<?> f : done) {
            f.get(); // surfaces a failure
        }
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * THREAD_ROUNDS)
    public void jipc_threads1000(InProcess s) throws Exception {
        pingPongAll(s.pipes, THREAD_ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(THREADS * THREAD_ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW, P2})
    public void jipc_threads1000_p2(InProcess s) throws Exception {
        pingPongAll(s.pipes, THREAD_ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN * CHILD_ROUNDS)
    public void jipc_children16(Children s) throws Exception {
        pingPongAll(s.pipes, CHILD_ROUNDS);
    }

    @Benchmark
    @OperationsPerInvocation(CHILDREN * CHILD_ROUNDS)
    @Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW, P2})
    public void jipc_children16_p2(Children s) throws Exception {
        pingPongAll(s.pipes, CHILD_ROUNDS);
    }
}
