package dev.jipc.bench;

import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * which benchmarks/run runs it for after a full JMH run. When benchmarks/target/spawnloop (built
 * by benchmarks/run from spawnloop.c) is there, C's posix_spawn + waitpid loop takes its turns
 * too, timed inside the C process, and jipc's rate is also given as a ratio to it.
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
        Path spawnloop = Path.of(Bench.stampBinary()).resolveSibling("spawnloop");
        boolean withC = Files.isExecutable(spawnloop);
        List<String> names = new ArrayList<>(List.of("jipc_discard", "jipc_pipe", "processBuilder"));
        if (withC) {
            names.add("c_posix_spawn");
        }
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
        long[] nanos = new long[names.size()];
        int warmupRounds = 3;
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int c = 0; c < names.size(); c++) {
                long took;
                if (c == contenders.size()) {
                    took = cBlock(spawnloop);
                } else {
                    long start = System.nanoTime();
                    for (int i = 0; i < BLOCK; i++) {
                        contenders.get(c).spawnAndWait();
                    }
                    took = System.nanoTime() - start;
                }
                if (round >= warmupRounds) {
                    nanos[c] += took;
                }
            }
        }
        List<Double> rates = new ArrayList<>();
        for (int c = 0; c < names.size(); c++) {
            double rate = (double) rounds * BLOCK * 1e9 / nanos[c];
            rates.add(rate);
            System.out.printf(Locale.ROOT, "%-16s %8.0f spawns/s%n", names.get(c), rate);
        }
        StringBuilder json = new StringBuilder("{\"rounds\": " + rounds + ", \"block\": " + BLOCK
                + ", \"spawnsPerSecond\": {");
        for (int c = 0; c < names.size(); c++) {
            json.append(c == 0 ? "" : ", ").append('"').append(names.get(c)).append("\": ")
                    .append(String.format(Locale.ROOT, "%.1f", rates.get(c)));
        }
        json.append("}}\n");
        Files.writeString(Bench.resultsDir().resolve("spawn-interleaved.json"), json);
        double base = rates.get(2);
        System.out.printf(Locale.ROOT, "ratio jipc_discard/processBuilder %.2fx, jipc_pipe/processBuilder %.2fx%n",
                rates.get(0) / base, rates.get(1) / base);
        if (withC) {
            System.out.printf(Locale.ROOT, "ratio jipc_discard/c_posix_spawn %.2fx, jipc_pipe/c_posix_spawn %.2fx%n",
                    rates.get(0) / rates.get(3), rates.get(1) / rates.get(3));
        }
    }

    /** @return the ns one block of the C loop took, as it timed itself */
    private static long cBlock(Path spawnloop) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(spawnloop.toString(), TRUE, Integer.toString(BLOCK))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("spawnloop exited " + p.exitValue());
        }
        return Long.parseLong(out);
    }
}
