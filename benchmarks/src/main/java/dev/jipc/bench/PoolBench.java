package dev.jipc.bench;

import dev.jipc.ProcessPool;
import dev.jipc.SerializableCallable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
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
 * Workload 8, process pool: a trivial task ({@code () -> 1}) through a {@link ProcessPool} of 2
 * worker JVMs, against the same on a {@link ThreadPoolExecutor} of 2 threads (the lower bound: no
 * serialization, no process boundary). Scores: (a) the round trip {@code submit(task).get()}, one
 * at a time, as latency percentiles in us (SampleTime); (b) tasks/s with 10,000 in flight: submit
 * 10,000, then wait for all (Throughput, one operation per task). Targets (issue 9): p50 at most
 * 30 us and a quarter of Python's {@code ProcessPoolExecutor}'s, throughput at least 4x Python's
 * ({@code benchmarks/python/pool_baseline.py}, run beside it).
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class PoolBench {
    static final int WORKERS = 2;
    static final int IN_FLIGHT = 10_000;

    @State(Scope.Benchmark)
    public static class Jipc {
        ProcessPool pool;

        @Setup(Level.Trial)
        public void start() throws Exception {
            pool = ProcessPool.create(WORKERS);
            awaitWorkers(pool);
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Threads {
        ExecutorService pool;

        @Setup(Level.Trial)
        public void start() throws Exception {
            pool = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
            ((ThreadPoolExecutor) pool).prestartAllCoreThreads();
        }

        @TearDown(Level.Trial)
        public void stop() {
            pool.close();
        }
    }

    /**
     * Returns once every worker of {@code pool} has booted, trained and run a task: pairs of tasks
     * submitted together go to two idle workers, so two pids in one pair mean both are ready.
     */
    static void awaitWorkers(ProcessPool pool) throws Exception {
        SerializableCallable<Long> pid = () -> {
            Thread.sleep(20);
            return ProcessHandle.current().pid();
        };
        while (true) {
            List<CompletableFuture<Long>> pair = pool.submitAll(List.of(pid, pid));
            Set<Long> pids = new HashSet<>();
            for (CompletableFuture<Long> f : pair) {
                pids.add(f.get());
            }
            if (pids.size() == WORKERS) {
                return;
            }
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer jipc_roundTrip(Jipc s) throws Exception {
        return s.pool.submit(() -> 1).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Integer base_threadPool_roundTrip(Threads s) throws Exception {
        return s.pool.submit(() -> 1).get();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(IN_FLIGHT)
    public long jipc_inFlight10k(Jipc s) throws Exception {
        @SuppressWarnings("unchecked")
        CompletableFuture<Integer>[] futures = new CompletableFuture[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            futures[i] = s.pool.submit(() -> 1);
        }
        long sum = 0;
        for (CompletableFuture<Integer> f : futures) {
            sum += f.get();
        }
        return check(sum);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    @OperationsPerInvocation(IN_FLIGHT)
    public long base_threadPool_inFlight10k(Threads s) throws Exception {
        @SuppressWarnings("unchecked")
        Future<Integer>[] futures = new Future[IN_FLIGHT];
        for (int i = 0; i < IN_FLIGHT; i++) {
            futures[i] = s.pool.submit(() -> 1);
        }
        long sum = 0;
        for (Future<Integer> f : futures) {
            sum += f.get();
        }
        return check(sum);
    }

    /** Every task answered 1: a benchmark that lost or mixed up results would not be measuring the pool. */
    private static long check(long sum) {
        if (sum != IN_FLIGHT) {
            throw new IllegalStateException("10,000 tasks of () -> 1 summed to " + sum);
        }
        return sum;
    }
}
