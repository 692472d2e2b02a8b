package dev.jipc.bench;

import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Workload 1 again, interleaved: jipc and {@code ProcessBuilder} take turns in blocks of spawns
 * in one JVM, so that the machine's drift (on a shared VM, one baseline run can be 50% faster
 * than the next) falls on both alike. JMH runs one benchmark after the other, minutes apart.
 * Not a JMH benchmark: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.jipc.bench.SpawnInterleaved [rounds]}; prints spawns/s per contender and the ratios, and
 * writes them to spawn-interleaved.json in the results directory (see {@link Bench#resultsDir}),
 * which benchmarks/run runs it for after a full JMH run.
 */
public final class SpawnInterleaved {
    private static final String TRUE = "/bin/true";
    private static final int BLOCK = 400;

    private SpawnInterleaved() {
    }

    /** One way to spawn /bin/true and wait for it. */
    private interface Contender {
        void spawnAndWait() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        SpawnOptions discard = SpawnOptions.defaults().withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD);
        List<String> names = List.of("jipc_discard", "jipc_pipe", "processBuilder");
        List<Contender> contenders = List.of(
                () -> {
                    Subprocess c = Jipc.spawn(discard, TRUE);
                    c.join();
                },
                () -> {
                    try (Subprocess c = Jipc.spawn(TRUE)) {
                        c.join();
                    }
                },
                () -> new ProcessBuilder(TRUE).start().waitFor());
        long[] nanos = new long[contenders.size()];
        int warmupRounds = 3;
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int c = 0; c < contenders.size(); c++) {
                long start = System.nanoTime();
                for (int i = 0; i < BLOCK; i++) {
                    contenders.get(c).spawnAndWait();
                }
                if (round >= warmupRounds) {
                    nanos[c] += System.nanoTime() - start;
                }
            }
        }
        List<Double> rates = new ArrayList<>();
        for (int c = 0; c < contenders.size(); c++) {
            double rate = (double) rounds * BLOCK * 1e9 / nanos[c];
            rates.add(rate);
            System.out.printf(Locale.ROOT, "%-16s %8.0f spawns/s%n", names.get(c), rate);
        }
        StringBuilder json = new StringBuilder("{\"rounds\": " + rounds + ", \"block\": " + BLOCK
                + ", \"spawnsPerSecond\": {");
        for (int c = 0; c < contenders.size(); c++) {
            json.append(c == 0 ? "" : ", ").append('"').append(names.get(c)).append("\": ")
                    .append(String.format(Locale.ROOT, "%.1f", rates.get(c)));
        }
        json.append("}}\n");
        Files.writeString(Bench.resultsDir().resolve("spawn-interleaved.json"), json);
        double base = rates.get(2);
        System.out.printf(Locale.ROOT, "ratio jipc_discard/processBuilder %.2fx, jipc_pipe/processBuilder %.2fx%n",
                rates.get(0) / base, rates.get(1) / base);
    }
}
