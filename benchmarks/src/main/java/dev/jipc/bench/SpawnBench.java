package dev.jipc.bench;

import com.zaxxer.nuprocess.NuAbstractProcessHandler;
import com.zaxxer.nuprocess.NuProcess;
import com.zaxxer.nuprocess.NuProcessBuilder;
import dev.jipc.Jipc;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Workload 1, spawn: start {@code /bin/true} and wait for its exit, one after another. Score:
 * spawns/s. Target: jipc at least 2x ProcessBuilder.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Bench.NATIVE_ACCESS, Bench.UNSAFE_ALLOW})
@State(Scope.Benchmark)
public class SpawnBench {
    private static final String TRUE = "/bin/true";
    private static final SpawnOptions DISCARD = SpawnOptions.defaults()
            .withStdin(Redirect.DISCARD).withStdout(Redirect.DISCARD);

    /** jipc with stdin and stdout to /dev/null, stderr inherited. */
    @Benchmark
    public int jipc_discard() throws InterruptedException {
        Subprocess child = Jipc.spawn(DISCARD, TRUE);
        child.join();
        return child.exitCode().getAsInt();
    }

    /** jipc with its default stdio: stdin and stdout piped, stderr inherited. */
    @Benchmark
    public int jipc_pipe() throws InterruptedException {
        try (Subprocess child = Jipc.spawn(TRUE)) {
            child.join();
            return child.exitCode().getAsInt();
        }
    }

    /** The JDK's default launch mechanism, three pipes. */
    @Benchmark
    public int base_processBuilder() throws Exception {
        return new ProcessBuilder(TRUE).start().waitFor();
    }

    /** The JDK's default launch mechanism, stdio inherited (no pipes). */
    @Benchmark
    public int base_processBuilderInheritIO() throws Exception {
        return new ProcessBuilder(TRUE).inheritIO().start().waitFor();
    }

    /** NuProcess: its own launch through the JDK's native forkAndExec, epoll pump threads. */
    @Benchmark
    public int base_nuProcess() throws Exception {
        NuProcessBuilder builder = new NuProcessBuilder(List.of(TRUE));
        builder.setProcessListener(new NuAbstractProcessHandler() { });
        NuProcess process = builder.start();
        return process.waitFor(0, TimeUnit.SECONDS);
    }
}
