package dev.jipc.bench;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeReader;
import dev.jipc.PipeWriter;
import dev.jipc.WarmChildren;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a gipc-style user lives in, which a JMH fork that runs for minutes hides: every trial is a
 * fresh parent JVM. The driver ({@code main}) starts one parent per trial, rotating through the
 * workloads so that the machine's drift spreads over all of them, and reports each workload's
 * median, p90, p99 and maximum over all samples, beside its baseline from the same rounds.
 *
 * <pre>
 * java -cp benchmarks.jar dev.jipc.bench.FreshStart [rounds] [starts per trial]
 * </pre>
 *
 * Workloads (ms, per sample; one parent JVM per trial, {@code starts} children per parent):
 * {@code noop} ProcessBuilder + {@code java Noop} to its first stdout byte; {@code cold-raw},
 * {@code cold-fory} {@code Jipc.startProcess} to the first message on a raw / default pipe;
 * {@code warm-raw}, {@code warm-fory} the same from a ready spare of {@code WarmChildren}
 * ({@code warm-raw-rehearsed}: after {@code WarmChildren.rehearse} of the task's lambda); the
 * {@code -join} variants to the child's reaping instead. Streams (MiB/s, one child per trial):
 * 8,192 frames of 64,000 B from a fresh child to its parent, timed from the first frame: a cold
 * and a warm jipc child on a raw pipe, and {@code java StreamChild} on {@code Process} streams;
 * {@code stream-alloc} is the parent allocating the same arrays with no child and no I/O: the
 * ceiling of a reader that returns a new array per frame in a fresh JVM, whose heap pages are
 * touched for the first time. The {@code -pretouch} variants run the parent with
 * {@code -XX:+AlwaysPreTouch}, which touches the heap at JVM start instead.
 *
 * <p>{@code cold-raw-aot} and {@code cold-fory-aot} are the cold starts with the child JVM given
 * a JDK AOT cache ({@code -XX:AOTCache}, JDK 25), recorded once before the rounds by a fresh
 * parent whose one cold child on a default (Fory) pipe runs with {@code -XX:AOTCacheOutput}: the
 * classes jipc, Fory and the JDK load and link in a child come from the cache, as the README's
 * recipe has it. An optional third argument limits the run to a comma-separated list of workloads.
 */
public final class FreshStart {
    static final int STREAM_FRAMES = 8_192;
    static final int STREAM_BYTES = 64_000;
    /** A workload name's suffix: the same trial in a parent run with {@code -XX:+AlwaysPreTouch}. */
    static final String PRETOUCH = "-pretouch";
    /** Where {@code stream-alloc} puts each array, so that the JIT keeps the allocation. */
    static volatile byte[] sink;

    private FreshStart() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("trial")) {
            trial(args[1], Integer.parseInt(args[2]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int starts = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> workloads = args.length > 2 ? List.of(args[2].split(",")) : List.of("noop", "cold-raw",
                "cold-fory", "cold-raw-aot", "cold-fory-aot", "warm-raw", "warm-raw-rehearsed", "warm-fory",
                "cold-raw-join", "warm-raw-join", "stream-process", "stream-cold", "stream-warm", "stream-alloc",
                "stream-process-pretouch", "stream-cold-pretouch", "stream-warm-pretouch", "stream-alloc-pretouch",
                "spare-cost");
        if (workloads.stream().anyMatch(w -> w.endsWith("-aot"))) {
            recordAotCache();
        }
        Map<String, List<Double>> samples = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < workloads.size(); k++) {
                String w = workloads.get((k + round) % workloads.size());
                runTrial(w, starts, samples);
            }
            System.err.printf("round %d/%d done%n", round + 1, rounds);
        }
        StringBuilder report = new StringBuilder();
        report.append(String.format("%-20s %6s %10s %10s %10s %10s%n", "workload", "n", "p50", "p90", "p99", "max"));
        for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
            double[] s = e.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (s.length == 0) {
                continue;
            }
            report.append(String.format(Locale.ROOT, "%-20s %6d %10.2f %10.2f %10.2f %10.2f%n", e.getKey(), s.length,
                    pct(s, 50), pct(s, 90), pct(s, 99), s[s.length - 1]));
        }
        report.append("(ms for starts; MiB/s for streams; spare-cost-cpu: CPU ms of a spare's boot and training;\n"
                + " spare-cost-rss: MiB resident of a waiting spare)\n");
        System.out.print(report);
        Path out = Bench.resultsDir().resolve("fresh-start.txt");
        Files.writeString(out, report.toString());
    }

    /** Where the child JVMs' AOT cache is recorded, for the {@code -aot} workloads. */
    private static Path aotCache() throws IOException {
        return Bench.resultsDir().resolve("fresh-start-child.aot").toAbsolutePath();
    }

    /** A fresh parent's one cold child records the cache as it exits (a stale one would be refused). */
    private static void recordAotCache() throws Exception {
        Files.deleteIfExists(aotCache());
        Process p = new ProcessBuilder(Bench.javaCommand(List.of("-ea", "-Djipc.bench.results=" + Bench.resultsDir()),
                FreshStart.class.getName(), "trial", "aot-record", "1"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("the aot-record trial exited " + p.exitValue());
        }
        if (!Files.isRegularFile(aotCache())) {
            throw new IllegalStateException("the child recorded no AOT cache at " + aotCache()
                    + " (a JDK 25 is needed, and a class path of jars only)");
        }
    }

    static double pct(double[] sorted, double p) {
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    /** A ready spare's CPU time so far (boot and training) and resident memory, from /proc. */
    private static void spareCost() throws Exception {
        try (WarmChildren warm = WarmChildren.create(1)) {
            awaitReady(warm);
            Thread.sleep(200); // past its last GC
            long self = ProcessHandle.current().pid();
            long pid = ProcessHandle.current().children().filter(p -> p.info().arguments()
                    .map(a -> List.of(a).contains("spare")).orElse(false)).findFirst().orElseThrow().pid();
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime, in 1/100 s
            long rssKb = Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).map(l -> l.replaceAll("\\D", "")).mapToLong(Long::parseLong)
                    .findFirst().orElseThrow();
            System.out.println("cpu " + ticks * 10);
            System.out.println("rss " + rssKb / 1024.0);
            if (self == pid) {
                throw new IllegalStateException();
            }
        }
    }

    /**
     * Runs one fresh parent JVM; it prints one sample per line, as a number, or a word and a
     * number for a workload with several figures (filed as {@code workload-word}).
     */
    private static void runTrial(String workload, int starts, Map<String, List<Double>> samples) throws Exception {
        boolean pretouch = workload.endsWith(PRETOUCH);
        String results = "-Djipc.bench.results=" + Bench.resultsDir(); // where the -aot trials find the cache
        List<String> jvmOptions = pretouch ? List.of("-ea", results, "-XX:+AlwaysPreTouch") : List.of("-ea", results);
        String trial = pretouch ? workload.substring(0, workload.length() - PRETOUCH.length()) : workload;
        Process p = new ProcessBuilder(Bench.javaCommand(jvmOptions, FreshStart.class.getName(), "trial", trial,
                Integer.toString(starts))).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(workload + " trial exited " + p.exitValue());
        }
        for (String line : out.split("\n")) {
            String[] words = line.trim().split(" ");
            if (words[0].isEmpty()) {
                continue;
            }
            String key = words.length == 2 ? workload + "-" + words[0] : workload;
            samples.computeIfAbsent(key, k -> new ArrayList<>()).add(Double.parseDouble(words[words.length - 1]));
        }
    }

    /** In a fresh parent JVM: prints the samples of one workload. */
    private static void trial(String workload, int starts) throws Exception {
        switch (workload) {
            case "noop" -> repeat(starts, FreshStart::noop);
            case "cold-raw" -> repeat(starts, () -> firstMessage(null, Codec.raw(), false));
            case "cold-fory" -> repeat(starts, () -> firstMessage(null, null, false));
            case "cold-raw-join" -> repeat(starts, () -> firstMessage(null, Codec.raw(), true));
            case "aot-record" -> firstMessage(null, null, true,
                    ChildOptions.defaults().withJvmOptions("-XX:AOTCacheOutput=" + aotCache()));
            case "cold-raw-aot", "cold-fory-aot" -> {
                ChildOptions options = ChildOptions.defaults().withJvmOptions("-XX:AOTCache=" + aotCache());
                repeat(starts, () -> firstMessage(null, workload.contains("raw") ? Codec.raw() : null, false, options));
            }
            case "warm-raw", "warm-fory", "warm-raw-join", "warm-raw-rehearsed" -> {
                try (WarmChildren warm = WarmChildren.create(1)) {
                    if (workload.endsWith("rehearsed")) {
                        warm.rehearse(put(null, null));
                    }
                    Codec<byte[]> codec = workload.contains("raw") ? Codec.raw() : null;
                    repeat(starts, () -> {
                        awaitReady(warm);
                        return firstMessage(warm, codec, workload.endsWith("join"));
                    });
                }
            }
            case "stream-process" -> System.out.println(processStream());
            case "stream-cold" -> System.out.println(jipcStream(null));
            case "stream-alloc" -> System.out.println(allocation());
            case "spare-cost" -> spareCost();
            case "stream-warm" -> {
                try (WarmChildren warm = WarmChildren.create(1)) {
                    awaitReady(warm);
                    System.out.println(jipcStream(warm));
                }
            }
            default -> throw new IllegalArgumentException(workload);
        }
    }

    interface Sample {
        double ms() throws Exception;
    }

    private static void repeat(int n, Sample sample) throws Exception {
        for (int i = 0; i < n; i++) {
            System.out.printf(Locale.ROOT, "%.3f%n", sample.ms());
        }
    }

    private static void awaitReady(WarmChildren warm) throws InterruptedException {
        while (warm.ready() < 1) {
            Thread.sleep(5);
        }
    }

    private static double noop() throws Exception {
        long start = System.nanoTime();
        Process p = new ProcessBuilder(Bench.javaCommand(Noop.class.getName())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try (InputStream in = p.getInputStream()) {
            if (in.read() < 0) {
                throw new IllegalStateException("Noop wrote nothing");
            }
            double ms = (System.nanoTime() - start) / 1e6;
            p.waitFor();
            return ms;
        }
    }

    /** @param codec null for the default codec; @param warm null for a cold start */
    @SuppressWarnings("unchecked")
    /** The task of the start workloads; one lambda, so that {@code warm-raw-rehearsed} can rehearse it. */
    private static ChildTask put(PipeWriter<Object> w, Object message) {
        return () -> w.put(message);
    }

    private static double firstMessage(WarmChildren warm, Codec<byte[]> codec, boolean toJoin) throws Exception {
        return firstMessage(warm, codec, toJoin, ChildOptions.defaults());
    }

    private static double firstMessage(WarmChildren warm, Codec<byte[]> codec, boolean toJoin, ChildOptions options)
            throws Exception {
        try (Pipe<Object> pipe = codec == null ? Jipc.pipe() : (Pipe<Object>) (Pipe<?>) Jipc.pipe(codec)) {
            PipeWriter<Object> w = pipe.writer();
            Object message = codec == null ? (Object) Integer.valueOf(1) : new byte[] {1};
            ChildTask task = put(w, message);
            long start = System.nanoTime();
            ChildProcess child = warm == null ? Jipc.startProcess(task, options) : warm.startProcess(task);
            pipe.reader().get();
            double ms = (System.nanoTime() - start) / 1e6;
            child.join();
            if (toJoin) {
                ms = (System.nanoTime() - start) / 1e6;
            }
            return ms;
        }
    }

    /** @return MiB/s of {@link #STREAM_FRAMES} frames of {@link #STREAM_BYTES}, timed from the first */
    private static double jipcStream(WarmChildren warm) throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            PipeWriter<byte[]> w = pipe.writer();
            ChildTask task = () -> {
                byte[] frame = new byte[STREAM_BYTES];
                for (int i = 0; i <= STREAM_FRAMES; i++) {
                    w.put(frame);
                }
            };
            ChildProcess child = warm == null ? Jipc.startProcess(task) : warm.startProcess(task);
            PipeReader<byte[]> r = pipe.reader();
            r.get();
            long start = System.nanoTime();
            for (int i = 0; i < STREAM_FRAMES; i++) {
                r.get();
            }
            double mibs = mibPerSecond(start);
            child.join();
            return mibs;
        }
    }

    /** The stream's allocation alone: a new array per frame, as each reader makes, and nothing else. */
    private static double allocation() {
        long start = System.nanoTime();
        for (int i = 0; i < STREAM_FRAMES; i++) {
            byte[] frame = new byte[STREAM_BYTES];
            frame[i % STREAM_BYTES] = 1;
            sink = frame;
        }
        return mibPerSecond(start);
    }

    private static double processStream() throws Exception {
        Process p = new ProcessBuilder(Bench.javaCommand(StreamChild.class.getName(), Integer.toString(STREAM_BYTES), "raw"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(new byte[] {0, 0, (byte) ((STREAM_FRAMES + 1) >> 8), (byte) (STREAM_FRAMES + 1)});
        p.getOutputStream().flush();
        DataInputStream in = new DataInputStream(p.getInputStream());
        byte[] frame = new byte[STREAM_BYTES];
        readFrame(in, frame);
        long start = System.nanoTime();
        for (int i = 0; i < STREAM_FRAMES; i++) {
            readFrame(in, new byte[STREAM_BYTES]); // a new array per frame, as a jipc get returns
        }
        double mibs = mibPerSecond(start);
        p.getOutputStream().close();
        p.waitFor();
        return mibs;
    }

    private static void readFrame(DataInputStream in, byte[] to) throws IOException {
        int length = in.readInt();
        if (length != to.length) {
            throw new IOException("frame of " + length);
        }
        in.readFully(to);
    }

    private static double mibPerSecond(long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return (double) STREAM_FRAMES * STREAM_BYTES / (1 << 20) / seconds;
    }
}
