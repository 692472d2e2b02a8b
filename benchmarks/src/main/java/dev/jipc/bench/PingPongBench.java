package dev.jipc.bench;

import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.DuplexHandle;
import dev.jipc.DuplexPipe;
import dev.jipc.Jipc;
import dev.jipc.PeerClosedException;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 4, ping-pong: the parent sends 64 B to a child JVM, which echoes it. Scores: round
 * trips/s (Throughput) and latency percentiles in us (SampleTime). Target: jipc's p50 at most 0.8x
 * the Process baseline's.
 *
 * <p>jipc: a {@code DuplexPipe<byte[]>} with {@code Codec.raw()}, its second handle in a child
 * started by {@code Jipc.startProcess}. Baseline: {@link EchoChild} over the child's stdin/stdout
 * with [int length][payload] frames and a flush per frame.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
public class PingPongBench {
    static final int SIZE = 64;

    @State(Scope.Benchmark)
    public static class JipcChild {
        DuplexPipe<byte[]> duplex;
        DuplexHandle<byte[]> here;
        ChildProcess child;
        final byte[] ping = new byte[SIZE];

        @Setup(Level.Trial)
        public void start() throws Exception {
            duplex = Jipc.duplexPipe(Codec.raw());
            here = duplex.first();
            child = Jipc.startProcess(echo(duplex.second()));
            here.put(ping);
            here.get();
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                here.put(new byte[0]);
            } finally {
                Bench.reap(child);
                duplex.close();
            }
        }
    }

    /** Echoes until an empty message or the parent's close. */
    static ChildTask echo(DuplexHandle<byte[]> there) {
        return () -> {
            try {
                byte[] m;
                while ((m = there.get()).length > 0) {
                    there.put(m);
                }
            } catch (PeerClosedException e) {
                // the parent went away: done
            }
        };
    }

    @State(Scope.Benchmark)
    public static class ProcessChild {
        Process process;
        DataOutputStream out;
        DataInputStream in;
        final byte[] ping = new byte[SIZE];

        @Setup(Level.Trial)
        public void start() throws Exception {
            process = new ProcessBuilder(Bench.javaCommand(EchoChild.class.getName()))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
            in = new DataInputStream(new BufferedInputStream(process.getInputStream()));
            roundTrip(this);
        }

        @TearDown(Level.Trial)
        public void stop() throws Exception {
            try {
                out.writeInt(-1);
                out.flush();
            } finally {
                Bench.reap(process);
            }
        }
    }

    static byte[] roundTrip(ProcessChild s) throws Exception {
        s.out.writeInt(s.ping.length);
        s.out.write(s.ping);
        s.out.flush();
        byte[] pong = new byte[s.in.readInt()];
        s.in.readFully(pong);
        return pong;
    }

    @Benchmark
    public byte[] jipc(JipcChild s) throws InterruptedException {
        s.here.put(s.ping);
        return s.here.get();
    }

    @Benchmark
    public byte[] base_processStdio(ProcessChild s) throws Exception {
        return roundTrip(s);
    }
}
