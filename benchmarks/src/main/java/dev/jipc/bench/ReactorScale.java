package dev.jipc.bench;

import dev.jipc.Codec;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeOptions;
import dev.jipc.internal.posix.PollSet;
import dev.jipc.internal.posix.Posix;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;

/**
 * Reactor scale, a plain {@code main} (a fresh JVM per figure): how long a {@code put} takes to
 * complete a {@code getAsync} parked on the reactor, with {@code idle} other {@code getAsync}s
 * parked on pipes nobody writes. With poll(2) the kernel's part grows with the fds polled; the
 * reactor's own part should not.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED -cp <jipc classes>:benchmarks/target/classes \
 *     dev.jipc.bench.ReactorScale 9900 2000     # idle waiters, timed samples
 * }</pre>
 *
 * The reactor's backend is {@code -Djipc.reactor=poll} or {@code epoll} (see the README); 9,900
 * idle pipes are 19,800 fds, so {@code ulimit -n} must be above 19,900 (20,000 here).
 *
 * <p>With {@code poll} first ({@code ReactorScale poll 9900 2000}) it times poll(2) alone instead: one
 * pass with a zero timeout over the read ends of that many idle pipes, the kernel's part that no
 * reactor can save (an event costs at least two: the woken poll's re-scan, and the next poll's).
 *
 * <p>Prints {@code reactor=B idle=N samples=M p50=... p90=... p99=... p99.9=... us}, then the
 * reactor thread's CPU time per sample, user (the reactor's own work) and system (the wait, the
 * eventfd, futex wake-ups): less noisy than latency on a shared machine. Each sample: getAsync on
 * the timed pipe, 1 ms for it to park (spinning is off), then {@code put}; the time runs from
 * before the put to the completion of the future, stamped by a callback on the completing
 * thread. 500 untimed samples first.
 */
public final class ReactorScale {
    private static final int WARMUP = 500;
    private static final byte[] ONE_BYTE = {1};
    /** No spinning: every get parks on the reactor, which is what is measured. */
    private static final PipeOptions PARK = PipeOptions.defaults().withSpin(Duration.ZERO);

    private ReactorScale() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("poll")) {
            pollAlone(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            return;
        }
        int idle = Integer.parseInt(args[0]);
        int samples = Integer.parseInt(args[1]);
        List<Pipe<byte[]>> idlePipes = new ArrayList<>(idle);
        for (int i = 0; i < idle; i++) {
            Pipe<byte[]> p = Jipc.pipe(Codec.raw(), PARK);
            idlePipes.add(p);
            p.reader().getAsync(); // parks for good
        }
        Thread.sleep(1_000 + idle / 10); // all of them parked and polled
        long[] nanos = new long[samples];
        long[] reactorCpu = new long[2]; // user, total: at the first timed sample, then the difference
        try (Pipe<byte[]> timed = Jipc.pipe(Codec.raw(), PARK)) {
            for (int i = -WARMUP; i < samples; i++) {
                if (i == 0) {
                    reactorCpu = reactorCpu();
                }
                long[] completedAt = new long[1];
                CompletableFuture<byte[]> got = timed.reader().getAsync();
                CompletableFuture<byte[]> stamped = got.whenComplete((v, e) -> completedAt[0] = System.nanoTime());
                LockSupport.parkNanos(1_000_000);
                long start = System.nanoTime();
                timed.writer().put(ONE_BYTE);
                stamped.join();
                if (i >= 0) {
                    nanos[i] = completedAt[0] - start;
                }
            }
        }
        long[] after = reactorCpu();
        print("put->getAsync", idle, nanos);
        System.out.printf("  reactor thread CPU per sample: user %.1f us, system %.1f us%n",
                (after[0] - reactorCpu[0]) / 1e3 / samples,
                ((after[1] - reactorCpu[1]) - (after[0] - reactorCpu[0])) / 1e3 / samples);
        idlePipes.forEach(Pipe::close);
        System.exit(0); // the parked getAsyncs' virtual threads are daemons, but say so
    }

    /** @return the reactor thread's user and total CPU time so far, in ns */
    private static long[] reactorCpu() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread reactor = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jipc-reactor")).findFirst().orElseThrow();
        return new long[] {threads.getThreadUserTime(reactor.threadId()), threads.getThreadCpuTime(reactor.threadId())};
    }

    private static void pollAlone(int idle, int samples) {
        long[] nanos = new long[samples];
        List<int[]> pipes = new ArrayList<>(idle);
        try (PollSet<Void> set = new PollSet<>(idle)) {
            for (int i = 0; i < idle; i++) {
                int[] fds = Posix.pipe();
                pipes.add(fds);
                set.add(fds[0], Posix.POLLIN, null);
            }
            for (int i = -WARMUP; i < samples; i++) {
                long start = System.nanoTime();
                if (set.poll(0) != 0) {
                    throw new AssertionError("an idle pipe was ready");
                }
                if (i >= 0) {
                    nanos[i] = System.nanoTime() - start;
                }
            }
        } finally {
            for (int[] fds : pipes) {
                Posix.close(fds[0]);
                Posix.close(fds[1]);
            }
        }
        print("poll(2) pass", idle, nanos);
    }

    private static void print(String what, int idle, long[] nanos) {
        Arrays.sort(nanos);
        System.out.printf("%s reactor=%s idle=%d samples=%d p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f us%n", what,
                System.getProperty("jipc.reactor", "default"), idle, nanos.length,
                percentile(nanos, 50), percentile(nanos, 90), percentile(nanos, 99), percentile(nanos, 99.9));
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)] / 1_000.0;
    }
}
