package dev.jipc.bench;

import dev.jipc.ChildDiedException;
import dev.jipc.ChildOptions;
import dev.jipc.ExitStatus;
import dev.jipc.ProcessPool;
import dev.jipc.SerializableCallable;
import dev.jipc.WarmChildren;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Workload 8 again, with crashes: does a worker crash cost the other tasks anything? A stream of
 * trivial tasks ({@code () -> 1}) runs one at a time on a {@link ProcessPool} of 2 workers, in
 * segments of N tasks of three kinds, taking turns so that the machine's drift falls on all alike:
 * <ul>
 * <li>calm: nothing else happens;
 * <li>crash: the segment starts by submitting a task that calls {@code Runtime.getRuntime().halt(9)};
 *     its worker dies while the stream goes on on the other worker, and a replacement boots;
 * <li>boot (the control): no crash, but what a crash brings about otherwise: the worker the
 *     stream ran on is held busy (by a task waiting for a file), so that the stream moves to the
 *     other worker as it does when its worker dies, and a {@link WarmChildren} spare with the
 *     workers' options boots beside it, the same work a replacement worker does (JVM start,
 *     training). What is left between crash and boot segments is the crash itself.
 * </ul>
 * Between segments, unmeasured, the pool is let settle until both workers answer again
 * ({@link PoolBench#awaitWorkers}) and the spare is ready and closed, so no segment starts with a
 * JVM booting.
 *
 * <p>Prints the round-trip p50/p99/p99.9/max of the trivial tasks of each kind (and of those
 * within 100 ms of the crash or boot), how many of them failed (none may), how each crash task
 * failed (it must be a {@link ChildDiedException} with {@code Exited[code=9]}), and how long each
 * replacement took to answer. Not JMH:
 * {@code java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar
 * dev.jipc.bench.PoolCrash [rounds [N [worker JVM option...]]]} (default 6 rounds of N = 20,000);
 * {@code -Djipc.spare.training=0.02} as a worker option, say, shows how much of it is training.
 */
public final class PoolCrash {
    private static final long RECENT_NS = 100_000_000L;

    private PoolCrash() {
    }

    /** Round trips of one kind of segment, and those that ended soon after its event. */
    private static final class Stats {
        final LatencyFile.Samples all = new LatencyFile.Samples();
        final LatencyFile.Samples recent = new LatencyFile.Samples();
        long failed;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        List<String> jvmOptions = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
        SerializableCallable<Integer> one = () -> 1;
        SerializableCallable<Integer> crash = () -> {
            Runtime.getRuntime().halt(9);
            return 0;
        };
        Stats calm = new Stats();
        Stats crashed = new Stats();
        Stats booted = new Stats();
        int crashesRight = 0;
        long[] replacementMs = new long[rounds];
        ChildOptions options = ChildOptions.defaults().withJvmOptions(jvmOptions.toArray(String[]::new));
        try (ProcessPool pool = ProcessPool.create(PoolBench.WORKERS, options)) {
            PoolBench.awaitWorkers(pool);
            segment(pool, one, 3 * n, new Stats(), 0); // warm-up: the parent's side JIT-compiled
            for (int round = 0; round < rounds; round++) {
                segment(pool, one, n, calm, 0);

                long crashAt = System.nanoTime();
                CompletableFuture<Integer> dying = pool.submit(crash);
                segment(pool, one, n, crashed, crashAt);
                crashesRight += diedRight(dying) ? 1 : 0;
                PoolBench.awaitWorkers(pool);
                replacementMs[round] = (System.nanoTime() - crashAt) / 1_000_000;

                Path release = Files.createTempFile("poolcrash", ".release");
                Files.delete(release);
                CompletableFuture<Integer> held = pool.submit(holdUntil(release.toString()));
                long bootAt = System.nanoTime();
                try (WarmChildren spare = WarmChildren.create(1, options)) {
                    segment(pool, one, n, booted, bootAt);
                    Files.createFile(release);
                    held.get();
                    Files.delete(release);
                    while (spare.ready() == 0) {
                        Thread.sleep(10);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "PoolCrash: %d rounds, segments of %,d trivial tasks one at a time, 2 workers"
                + " (JVM options %s)%n", rounds, n, jvmOptions);
        print("calm segments", calm.all, calm.failed);
        print("crash segments", crashed.all, crashed.failed);
        print("  of which <100 ms after the crash", crashed.recent, -1);
        print("boot segments (control: no crash)", booted.all, booted.failed);
        print("  of which <100 ms after the boot", booted.recent, -1);
        System.out.printf(Locale.ROOT, "crash tasks failed with ChildDiedException Exited[code=9]: %d of %d%n",
                crashesRight, rounds);
        System.out.println("crash -> replacement answering, ms (an upper bound: measured after the segment): "
                + Arrays.toString(replacementMs));
        if (calm.failed + crashed.failed + booted.failed > 0 || crashesRight != rounds) {
            System.out.println("FAILED: a crash cost other tasks their result, or a crash task failed wrongly");
            System.exit(1);
        }
    }

    /** Runs {@code count} tasks one at a time; {@code eventAt} (a crash, a boot) is 0 for a calm segment. */
    private static void segment(ProcessPool pool, SerializableCallable<Integer> task, int count, Stats stats,
                                long eventAt) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            boolean ok;
            try {
                ok = pool.submit(task).get() == 1;
            } catch (ExecutionException e) {
                ok = false;
                System.out.println("a trivial task failed: " + e.getCause());
            }
            long end = System.nanoTime();
            if (!ok) {
                stats.failed++;
                continue;
            }
            stats.all.add(end - start);
            if (eventAt != 0 && end - eventAt < RECENT_NS) {
                stats.recent.add(end - start);
            }
        }
    }

    /** A task that keeps its worker busy, and idle, until {@code file} exists. */
    private static SerializableCallable<Integer> holdUntil(String file) {
        return () -> {
            while (!Files.exists(Path.of(file))) {
                Thread.sleep(1);
            }
            return 0;
        };
    }

    private static boolean diedRight(CompletableFuture<Integer> dying) throws InterruptedException {
        try {
            dying.get();
            System.out.println("the crash task returned");
            return false;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ChildDiedException died && died.exitStatus() instanceof ExitStatus.Exited(int code)
                    && code == 9) {
                return true;
            }
            System.out.println("the crash task failed with " + e.getCause());
            return false;
        }
    }

    private static void print(String what, LatencyFile.Samples samples, long failed) {
        long[] sorted = samples.toArray();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-36s %,8d tasks  p50 %7.1f us  p99 %7.1f us  p99.9 %8.1f us  max %9.1f us%s%n",
                what, sorted.length, LatencyFile.percentileUs(sorted, 0.50), LatencyFile.percentileUs(sorted, 0.99),
                LatencyFile.percentileUs(sorted, 0.999), sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000.0,
                failed < 0 ? "" : "  failed " + failed);
    }
}
