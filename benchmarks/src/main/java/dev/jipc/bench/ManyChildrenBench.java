package dev.jipc.bench;

import dev.jipc.ChildProcess;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Workload 6, many children: {@link #COUNT} concurrently sleeping {@code sleep 30} children. The
 * score of interest is not the time (the SingleShotTime score is just how long the spawning and
 * settling took) but what running them costs the JVM, reported as JMH secondary metrics (aux
 * counters): live threads added and RSS (VmRSS) added in KiB, with the children running, relative to
 * the fork before its first child. Each benchmark runs in its own fork; with several iterations
 * JMH sums the counters, so the report averages their per-iteration raw data.
 * Target: jipc adds fewer than 10 threads (the JDK needs about one per child).
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 0)
@Measurement(iterations = 1)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class ManyChildrenBench {
    static final int COUNT = 1000;
    /** Time for threads started lazily by the child machinery to appear before counting. */
    static final long SETTLE_MS = 1000;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Footprint {
        /** Live JVM threads with the children running minus before. */
        public long threadsAdded;
        /** VmRSS with the children running minus before, KiB. */
        public long rssKiB;

        private int threadsBefore;
        private long rssBefore;
        final List<ChildProcess> jipcChildren = new ArrayList<>();
        final List<Process> jdkChildren = new ArrayList<>();

        /**
         * The figures before the first child, once per fork: the JDK keeps its reaper threads in a
         * cached pool for a while after their children exit, so a later iteration would start
         * with them alive; measured from the fork's start, every iteration counts them.
         */
        @Setup(Level.Trial)
        public void before() throws Exception {
            // Load and initialise both launchers (and their threads) before the baseline figures.
            Jipc.spawn(SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD), "true").join();
            new ProcessBuilder("true").start().waitFor();
            System.gc();
            Thread.sleep(SETTLE_MS);
            threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
            rssBefore = rssKiB();
        }

        void after() throws InterruptedException, IOException {
            Thread.sleep(SETTLE_MS);
            threadsAdded = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
            rssKiB = rssKiB() - rssBefore;
        }

        @TearDown(Level.Iteration)
        public void killAll() throws InterruptedException {
            for (ChildProcess c : jipcChildren) {
                c.kill();
            }
            for (Process p : jdkChildren) {
                p.destroyForcibly();
            }
            for (ChildProcess c : jipcChildren) {
                c.join();
                c.close();
            }
            for (Process p : jdkChildren) {
                p.waitFor();
                Bench.closeQuietly(p);
            }
            jipcChildren.clear();
            jdkChildren.clear();
        }

        static long rssKiB() throws IOException {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
                }
            }
            throw new IOException("no VmRSS in /proc/self/status");
        }
    }

    /** jipc with stdin and stdout to /dev/null (stderr inherited): a pidfd per child, no pipes. */
    @Benchmark
    public int jipc_discard(Footprint f) throws Exception {
        SpawnOptions discard = SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD);
        for (int i = 0; i < COUNT; i++) {
            f.jipcChildren.add(Jipc.spawn(discard, "sleep", "30"));
        }
        f.after();
        return f.jipcChildren.size();
    }

    /** jipc with its default stdio (stdin and stdout piped), like ProcessBuilder's pipes. */
    @Benchmark
    public int jipc_pipe(Footprint f) throws Exception {
        for (int i = 0; i < COUNT; i++) {
            f.jipcChildren.add(Jipc.spawn("sleep", "30"));
        }
        f.after();
        return f.jipcChildren.size();
    }

    /** ProcessBuilder's defaults: three pipes per child and a reaper thread per child. */
    @Benchmark
    public int base_processBuilder(Footprint f) throws Exception {
        for (int i = 0; i < COUNT; i++) {
            f.jdkChildren.add(new ProcessBuilder("sleep", "30").start());
        }
        f.after();
        return f.jdkChildren.size();
    }
}
