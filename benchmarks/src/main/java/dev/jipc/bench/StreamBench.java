package dev.jipc.bench;

import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Jipc;
import dev.jipc.PeerClosedException;
import dev.jipc.Pipe;
import dev.jipc.PipeReader;
import dev.jipc.PipeWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Workload 3, stream: a child JVM puts {@link #N} messages to the parent, each visible at once (a
 * put, or a flush, per message). Score: messages/s (the report adds MiB/s = messages/s x size).
 * Targets: 64 B raw at least 1.2x the Process-stream baseline, 64,000 B and 1 MiB at least 1.5x.
 *
 * <p>jipc: the child ({@code Jipc.startProcess}) gets a count from a control pipe, then puts that
 * many messages on a data pipe. Baseline: {@link StreamChild} started by ProcessBuilder reads the
 * count from stdin and writes [int length][payload] frames to stdout, flushing each. With
 * {@code codec=fory} both children encode a {@link SmallRecord} with
 * {@code Codec.fory(SmallRecord.class)} per message and both parents decode it.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class StreamBench {
    /** Messages per benchmark invocation. */
    static final int N = 10_000;

    @State(Scope.Benchmark)
    public static class Params {
        /** Payload bytes per message (for fory: the record's encoded size). */
        @Param({"64", "64000", "1048576"})
        public int size;

        /** raw: Codec.raw() of a byte[]; fory: Codec.fory(SmallRecord.class) of a SmallRecord. */
        @Param({"raw", "fory"})
        public String codec;
    }

    @State(Scope.Benchmark)
    public static class JipcChild {
        Pipe<Integer> control;
        Pipe<Object> data;
        ChildProcess child;

        @Setup(Level.Trial)
        public void start(Params p) throws Exception {
            control = Jipc.pipe(Codec.fory());
            data = Jipc.pipe(codecOf(p.codec));
            child = Jipc.startProcess(task(control.reader(), data.writer(), p.size, p.codec));
            // One round first: the child is up and its code paths loaded before JMH's clock runs.
            control.writer().put(1);
            data.reader().get();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                control.writer().put(-1);
            } finally {
                Bench.reap(child);
                control.close();
                data.close();
            }
        }
    }

    @SuppressWarnings("unchecked")
    static Codec<Object> codecOf(String kind) {
        return (Codec<Object>) (Codec<?>) ("raw".equals(kind) ? Codec.raw() : Codec.fory(SmallRecord.class));
    }

    /** Static, so that the lambda captures only the handles and two values. */
    static ChildTask task(PipeReader<Integer> control, PipeWriter<Object> data, int size, String kind) {
        return () -> {
            Object message = "raw".equals(kind)
                    ? new byte[size]
                    : SmallRecord.ofEncodedSize(Codec.fory(SmallRecord.class), size);
            try {
                int n;
                while ((n = control.get()) >= 0) {
                    for (int i = 0; i < n; i++) {
                        data.put(message);
                    }
                }
            } catch (PeerClosedException e) {
                // the parent went away: done
            }
        };
    }

    @State(Scope.Benchmark)
    public static class ProcessChild {
        Process process;
        DataOutputStream control;
        DataInputStream data;
        Codec<SmallRecord> fory;
        boolean decode;

        @Setup(Level.Trial)
        public void start(Params p) throws Exception {
            process = new ProcessBuilder(Bench.javaCommand(StreamChild.class.getName(), Integer.toString(p.size), p.codec))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            control = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            data = new DataInputStream(new BufferedInputStream(process.getInputStream(), 65536));
            fory = Codec.fory(SmallRecord.class);
            decode = "fory".equals(p.codec);
            control.writeInt(1);
            control.flush();
            data.readFully(new byte[data.readInt()]);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                control.writeInt(-1);
                control.flush();
            } finally {
                Bench.reap(process);
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void jipc(JipcChild s, Blackhole bh) throws InterruptedException {
        s.control.writer().put(N);
        PipeReader<Object> reader = s.data.reader();
        for (int i = 0; i < N; i++) {
            bh.consume(reader.get());
        }
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void base_processStream(ProcessChild s, Blackhole bh) throws Exception {
        s.control.writeInt(N);
        s.control.flush();
        DataInputStream in = s.data;
        for (int i = 0; i < N; i++) {
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            bh.consume(s.decode ? s.fory.decode(payload) : payload);
        }
    }
}
