package dev.jipc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Latencies measured inside a benchmark's state (not by JMH's timer), appended to
 * {@code <results>/exit-latency.json} as {@code {"runs": [{"benchmark": ..., "latenciesNs": [...]}, ...]}},
 * one run per fork; benchmarks/report.py merges them into the report. benchmarks/run deletes the
 * file before JMH starts, so it holds only the current run.
 */
final class LatencyFile {
    static final String NAME = "exit-latency.json";

    /** Growable list of nanosecond samples. */
    static final class Samples {
        private long[] values = new long[4096];
        private int size;

        void add(long ns) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = ns;
        }

        long[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }

    private LatencyFile() {
    }

    static synchronized void append(String benchmark, String what, long[] latenciesNs) throws IOException {
        Path file = Bench.resultsDir().resolve(NAME);
        long[] sorted = latenciesNs.clone();
        Arrays.sort(sorted);
        StringBuilder run = new StringBuilder();
        run.append("{\"benchmark\": \"").append(benchmark).append("\", \"what\": \"").append(what)
                .append("\", \"pid\": ").append(ProcessHandle.current().pid())
                .append(", \"jdk\": \"").append(Runtime.version()).append("\", \"count\": ").append(sorted.length)
                .append(", \"p50Us\": ").append(percentileUs(sorted, 0.50))
                .append(", \"p99Us\": ").append(percentileUs(sorted, 0.99))
                .append(", \"latenciesNs\": [");
        for (int i = 0; i < latenciesNs.length; i++) {
            run.append(i == 0 ? "" : ",").append(latenciesNs[i]);
        }
        run.append("]}");
        String text;
        if (Files.exists(file)) {
            String old = Files.readString(file, StandardCharsets.UTF_8).stripTrailing();
            if (!old.endsWith("]}")) {
                throw new IOException(file + " is not what LatencyFile writes; delete it");
            }
            String body = old.substring(0, old.length() - 2).stripTrailing();
            text = body + (body.endsWith("[") ? "\n" : ",\n") + run + "\n]}\n";
        } else {
            text = "{\"runs\": [\n" + run + "\n]}\n";
        }
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Nearest-rank percentile in microseconds; NaN-free: 0 for no samples. */
    static double percentileUs(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1000.0;
    }
}
