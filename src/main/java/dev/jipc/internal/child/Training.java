package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.DuplexHandle;
import dev.jipc.DuplexPipe;
import dev.jipc.Handle;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeReader;
import dev.jipc.PipeWriter;
import dev.jipc.internal.codec.ForyCodec;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.posix.Sockets;
import java.lang.invoke.CallSite;
import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a spare runs before it waits for a task, so that the task runs at full speed from its
 * first message: link every downcall jipc makes, initialise the codecs, deserialize a task as the
 * parent's arrive, and put frames through an in-process pipe (raw and Fory, small and 64 KB)
 * until the JIT has compiled the read and write paths. It touches no fd of the parent's. The
 * parent runs a short version once ({@link #parent}), so that its side of a handover and of the
 * first messages is not cold either.
 */
public final class Training {
    /** Scales how many frames train the I/O path (1 by default); for measuring what pays. */
    private static final double SCALE = Double.parseDouble(System.getProperty("jipc.spare.training", "1"));
    static final int SMALL_FRAMES = (int) (30_000 * SCALE);
    static final int LARGE_FRAMES = (int) (1_500 * SCALE);
    static final int OBJECT_FRAMES = (int) (6_000 * SCALE);
    static final int LAMBDA_CLASSES = (int) (200 * SCALE);
    /** Tasks a pool worker runs through its own path (deserialize, call, serialize the result). */
    static final int TASK_ROUND_TRIPS = (int) (3_000 * SCALE);
    /** Handovers of fds over a socketpair, for the control-message code on both sides of one. */
    static final int FD_HANDOVERS = 200;
    /** The longest a spare waits for the JIT to finish what the traffic queued. */
    private static final long COMPILE_WAIT_MILLIS = 2_000;
    /** The longest a spare waits for its heap to stop shrinking after its last collection. */
    private static final long HEAP_WAIT_MILLIS = 1_000;

    private Training() {
    }

    static void run() throws Throwable {
        train(SMALL_FRAMES + LARGE_FRAMES, OBJECT_FRAMES);
        spinLambdas(LAMBDA_CLASSES);
        awaitCompiler();
        System.gc(); // the task starts with an empty young generation, and a waiting spare's heap shrinks
        // G1 gives the freed heap back on a thread of its own, for tens of ms after the collection:
        // a task that came meanwhile waited for it (same-run A/B: p50 and p90 of warm starts higher).
        MemoryMXBean heap = ManagementFactory.getMemoryMXBean();
        Settling.await(() -> heap.getHeapMemoryUsage().getCommitted(), 10, 3, HEAP_WAIT_MILLIS);
    }

    /**
     * A task is a lambda, and deserializing one spins its class (LambdaMetafactory and the class-file
     * API), which is slow until compiled: spin some, serializable as a task's are.
     */
    private static void spinLambdas(int count) throws Throwable {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        MethodType factory = MethodType.methodType(ChildTask.class, int.class);
        MethodType run = MethodType.methodType(void.class);
        MethodHandle body = lookup.findStatic(Training.class, "sampleBody", MethodType.methodType(void.class, int.class));
        for (int i = 0; i < count; i++) {
            CallSite site = LambdaMetafactory.altMetafactory(lookup, "run", factory, run, body, run,
                    LambdaMetafactory.FLAG_SERIALIZABLE);
            ((ChildTask) site.getTarget().invoke(i)).run();
        }
    }

    private static void sampleBody(int i) {
        if (i < 0) {
            throw new AssertionError();
        }
    }

    /** The parent's share, once per JVM, while its first spares boot: no JIT wait, few frames. */
    public static void parent() {
        try {
            train(2_000, 600);
        } catch (Exception e) {
            throw new IllegalStateException("training failed", e);
        }
    }

    private static void train(int rawFrames, int objectFrames) throws Exception {
        Posix.linkPipeCalls();
        Sockets.link();
        Processes.getppid();
        ForyCodec.warmUp();
        handOverFds(FD_HANDOVERS);
        restoreTask();
        stream(Jipc.pipe(Codec.raw()), i -> new byte[i % 64 == 0 ? 64_000 : 64], rawFrames);
        stream(Jipc.pipe(), Training::sampleValue, objectFrames);
    }

    /**
     * A task's fds arrive as a spare's do: a preamble with fds attached (SCM_RIGHTS), then bytes
     * alone. Until it has run, the control-message code after the recvmsg call took longer than
     * the rest of a handover.
     */
    private static void handOverFds(int count) {
        int[] ends = Sockets.socketpair();
        int[] pipe = Posix.pipe();
        try {
            byte[] message = SpareProtocol.message(new byte[64], pipe.length);
            byte[] received = new byte[message.length];
            for (int i = 0; i < count; i++) {
                long sent = Sockets.send(ends[0], message, 0, message.length, pipe);
                Sockets.Received first = Sockets.receive(ends[1], received, 0, SpareProtocol.PREAMBLE_BYTES,
                        Sockets.MAX_FDS);
                Sockets.Received rest = Sockets.receive(ends[1], received, first.bytes(),
                        message.length - first.bytes(), 0);
                for (int fd : first.fds()) {
                    Posix.close(fd);
                }
                if (sent != message.length || first.fds().length != pipe.length
                        || first.bytes() + rest.bytes() != message.length) {
                    throw new IllegalStateException("a handover over a socketpair sent " + sent + " bytes, received "
                            + (first.bytes() + rest.bytes()) + " and " + first.fds().length + " fds");
                }
            }
        } finally {
            for (int fd : new int[] {ends[0], ends[1], pipe[0], pipe[1]}) {
                Posix.close(fd);
            }
        }
    }

    /**
     * A task through the same serialization as a real one, handles of every kind included:
     * ObjectOutputStream and ObjectInputStream, lambda deserialization, and the record
     * deserialization of the handles' refs, which spins method handles on first use.
     */
    private static void restoreTask() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw()); DuplexPipe<Object> duplex = Jipc.duplexPipe()) {
            PipeReader<byte[]> reader = pipe.reader();
            PipeWriter<byte[]> writer = pipe.writer();
            DuplexHandle<Object> end = duplex.first();
            ChildTask sample = () -> {
                if (reader.isClosed() || writer.isClosed() || end.isClosed()) {
                    throw new AssertionError();
                }
            };
            HandleTransfer.Captured captured = HandleTransfer.capture(sample);
            int[] copies = new int[captured.fds().length];
            for (int i = 0; i < copies.length; i++) {
                copies[i] = Posix.duplicate(captured.fds()[i]);
            }
            ChildTask restored = (ChildTask) HandleTransfer.restore(captured.bytes(), copies);
            restored.run();
            closeCapturedHandles(restored);
        }
    }

    /** Closes the handles a restored task holds (their fds are copies), through its serialized form. */
    private static void closeCapturedHandles(ChildTask task) throws Exception {
        java.lang.reflect.Method writeReplace = task.getClass().getDeclaredMethod("writeReplace");
        writeReplace.setAccessible(true);
        java.lang.invoke.SerializedLambda lambda = (java.lang.invoke.SerializedLambda) writeReplace.invoke(task);
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
            ((Handle) lambda.getCapturedArg(i)).close();
        }
    }

    private static Object sampleValue(int i) {
        return switch (i % 6) {
            case 0 -> i;
            case 1 -> "message " + i;
            case 2 -> List.of(i, i + 1, i + 2);
            case 3 -> Map.of("id", i, "name", "n" + i, "tags", Set.of("a", "b"));
            case 4 -> new ArrayList<>(List.of(UUID.randomUUID(), Instant.now(), BigDecimal.valueOf(i)));
            default -> new long[] {i, i};
        };
    }

    /** Puts {@code count} messages from a platform thread while this one gets them. */
    private static <T> void stream(Pipe<T> pipe, java.util.function.IntFunction<T> message, int count)
            throws Exception {
        try (pipe) {
            PipeWriter<T> writer = pipe.writer();
            PipeReader<T> reader = pipe.reader();
            Thread t = Thread.ofPlatform().name("jipc-spare-training").start(() -> {
                try {
                    for (int i = 0; i < count; i++) {
                        writer.put(message.apply(i));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 0; i < count; i++) {
                reader.get();
            }
            t.join();
        }
    }

    /** Waits until the JIT has compiled what the traffic queued: no compilation time added for a while. */
    private static void awaitCompiler() throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        Settling.await(jit::getTotalCompilationTime, 20, 3, COMPILE_WAIT_MILLIS);
    }
}
