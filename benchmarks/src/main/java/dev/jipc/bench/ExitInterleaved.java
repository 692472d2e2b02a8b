package dev.jipc.bench;

import dev.jipc.ExitStatus;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.Subprocess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Workload 2 again, interleaved against C: how long after a child's exit the parent hears of it,
 * for jipc, the JDK and a C process blocked in {@code poll(2)} on a pidfd (exitwait.c, the floor:
 * one wake-up, no runtime). The contenders take turns in blocks of children in one JVM, so the
 * shared machine's drift falls on all alike. Each child is benchmarks/src/main/c/stamp.c, which
 * writes its CLOCK_MONOTONIC time just before {@code _exit}; a latency is the parent's
 * {@code System.nanoTime()} (the same clock on Linux) when it heard minus that stamp.
 *
 * <p>Not a JMH benchmark: {@code java --enable-native-access=ALL-UNNAMED -cp
 * benchmarks/target/benchmarks.jar dev.jipc.bench.ExitInterleaved [rounds [warm-up rounds]]} after
 * {@code cc -O2 -o benchmarks/target/exitwait benchmarks/src/main/c/exitwait.c} (benchmarks/run
 * compiles both C files). Prints p50 / p99 / p99.9 per contender and each one's ratio to C.
 */
public final class ExitInterleaved {
    private static final int BLOCK = 200;

    private ExitInterleaved() {
    }

    /** One way to hear of one child's exit: returns (heard - stamp) in ns. */
    private interface Contender {
        long once() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String stamp = Bench.stampBinary();
        Path exitwait = Path.of(stamp).resolveSibling("exitwait");
        if (!Files.isExecutable(exitwait)) {
            throw new IllegalStateException(exitwait + " is missing: cc -O2 -o " + exitwait
                    + " benchmarks/src/main/c/exitwait.c");
        }
        List<String> names = List.of("c_pidfd_poll", "jipc_onExit_callback", "jipc_join_platform",
                "jipc_join_virtual", "jdk_onExit_callback", "jdk_waitFor_platform");
        List<Contender> contenders = Arrays.asList(
                null, // the C process runs a whole block itself, see runC
                () -> jipcOnExit(stamp),
                () -> jipcJoin(stamp),
                () -> onVirtualThread(() -> jipcJoin(stamp)),
                () -> jdkOnExit(stamp),
                () -> jdkWaitFor(stamp));
        List<List<Long>> samples = new ArrayList<>();
        names.forEach(n -> samples.add(new ArrayList<>()));
        int warmupRounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        for (int round = 0; round < warmupRounds + rounds; round++) {
            boolean keep = round >= warmupRounds;
            for (int c = 0; c < names.size(); c++) {
                List<Long> block = c == 0 ? runC(exitwait, stamp) : runJava(contenders.get(c));
                if (keep) {
                    samples.get(c).addAll(block);
                }
            }
        }
        double[] cP = null;
        for (int c = 0; c < names.size(); c++) {
            long[] sorted = samples.get(c).stream().mapToLong(Long::longValue).sorted().toArray();
            double[] p = {LatencyFile.percentileUs(sorted, 0.50), LatencyFile.percentileUs(sorted, 0.99),
                    LatencyFile.percentileUs(sorted, 0.999)};
            if (c == 0) {
                cP = p;
            }
            System.out.printf(Locale.ROOT, "%-22s p50 %7.1f  p99 %7.1f  p99.9 %7.1f us   vs C %.2fx / %.2fx / %.2fx%n",
                    names.get(c), p[0], p[1], p[2], p[0] / cP[0], p[1] / cP[1], p[2] / cP[2]);
        }
        System.out.printf(Locale.ROOT, "(%d rounds of %d children each, after %d warm-up rounds, load %s)%n",
                rounds, BLOCK, warmupRounds, Files.readString(Path.of("/proc/loadavg")).strip());
    }

    private static List<Long> runJava(Contender contender) throws Exception {
        List<Long> out = new ArrayList<>(BLOCK);
        for (int i = 0; i < BLOCK; i++) {
            out.add(contender.once());
        }
        return out;
    }

    private static List<Long> runC(Path exitwait, String stamp) throws Exception {
        Process p = new ProcessBuilder(exitwait.toString(), stamp, Integer.toString(BLOCK))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Long> out = new ArrayList<>(BLOCK);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            for (String line; (line = r.readLine()) != null; ) {
                out.add(Long.parseLong(line.strip()));
            }
        }
        if (p.waitFor() != 0 || out.size() != BLOCK) {
            throw new IllegalStateException("exitwait failed: exit " + p.exitValue() + ", " + out.size() + " samples");
        }
        return out;
    }

    private static long jipcOnExit(String stamp) throws Exception {
        try (Subprocess child = Jipc.spawn(SpawnOptions.defaults(), stamp)) {
            ExitLatency.expectReady(child.stdout());
            AtomicLong heard = new AtomicLong();
            CompletableFuture<ExitStatus> observed =
                    child.onExit().whenComplete((status, failure) -> heard.set(System.nanoTime()));
            child.stdin().write(1);
            observed.join();
            return heard.get() - stampOf(child.stdout());
        }
    }

    private static long jipcJoin(String stamp) throws Exception {
        try (Subprocess child = Jipc.spawn(SpawnOptions.defaults(), stamp)) {
            ExitLatency.expectReady(child.stdout());
            child.stdin().write(1);
            child.join();
            long heard = System.nanoTime();
            return heard - stampOf(child.stdout());
        }
    }

    private static long jdkOnExit(String stamp) throws Exception {
        Process process = new ProcessBuilder(stamp).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            ExitLatency.expectReady(process.getInputStream());
            AtomicLong heard = new AtomicLong();
            CompletableFuture<Process> observed =
                    process.onExit().whenComplete((p, failure) -> heard.set(System.nanoTime()));
            OutputStream stdin = process.getOutputStream();
            stdin.write(1);
            stdin.flush();
            observed.join();
            return heard.get() - stampOf(process.getInputStream());
        } finally {
            Bench.closeQuietly(process);
        }
    }

    private static long jdkWaitFor(String stamp) throws Exception {
        Process process = new ProcessBuilder(stamp).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            ExitLatency.expectReady(process.getInputStream());
            OutputStream stdin = process.getOutputStream();
            stdin.write(1);
            stdin.flush();
            process.waitFor();
            long heard = System.nanoTime();
            return heard - stampOf(process.getInputStream());
        } finally {
            Bench.closeQuietly(process);
        }
    }

    private static long onVirtualThread(Contender contender) throws Exception {
        long[] result = new long[1];
        Exception[] failure = new Exception[1];
        Thread.ofVirtual().start(() -> {
            try {
                result[0] = contender.once();
            } catch (Exception e) {
                failure[0] = e;
            }
        }).join();
        if (failure[0] != null) {
            throw failure[0];
        }
        return result[0];
    }

    private static long stampOf(InputStream stdout) throws IOException {
        byte[] b = stdout.readNBytes(8);
        if (b.length != 8) {
            throw new IllegalStateException("the child wrote " + Arrays.toString(b) + ", not an 8-byte stamp");
        }
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
