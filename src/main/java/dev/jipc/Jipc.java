package dev.jipc;

import dev.jipc.internal.spawn.DefaultSpares;
import dev.jipc.internal.spawn.NativeLauncher;
import java.util.Objects;

/**
 * jipc's entry point: pipes between threads and processes, Java children and native children.
 *
 * <pre>{@code
 * try (Pipe<Integer> pipe = Jipc.pipe()) {
 *     PipeReader<Integer> reader = pipe.reader();
 *     ChildProcess child = Jipc.startProcess(() -> {      // a new JVM runs this lambda
 *         if (reader.get() != 0) throw new AssertionError();
 *     });
 *     pipe.writer().putAsync(0);
 *     child.join();
 *     assert child.exitCode().getAsInt() == 0;
 * }
 *
 * try (Subprocess ls = Jipc.spawn("ls", "-l")) {
 *     System.out.print(new String(ls.stdout().readAllBytes()));
 *     ls.join();
 * }
 * }</pre>
 *
 * <p>Every blocking call cooperates with virtual threads: a virtual thread waiting on a pipe is
 * unmounted, and a single poll(2) thread, {@code jipc-reactor}, wakes waiters. jipc calls the C
 * library through the FFM API, so the JVM needs {@code --enable-native-access=ALL-UNNAMED} (or
 * {@code =dev.jipc} on the module path).
 */
public final class Jipc {
    /** The default bound of a message's encoded payload: 256 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = PipeOptions.DEFAULT_MAX_FRAME_BYTES;

    private Jipc() {
    }

    /**
     * Creates a pipe with the default codec, {@link Codec#fory(Class[])}.
     *
     * @param <T> the message type
     * @return a new pipe with {@link Codec#fory(Class[])} and a 256 MiB frame limit
     */
    public static <T> Pipe<T> pipe() {
        return pipe(Codec.fory());
    }

    /**
     * Creates a pipe with {@code codec}.
     *
     * @param codec how messages become bytes
     * @param <T> the message type
     * @return a new pipe with a 256 MiB frame limit
     */
    public static <T> Pipe<T> pipe(Codec<T> codec) {
        return pipe(codec, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * Creates a pipe with {@code codec} and a frame limit.
     *
     * @param codec how messages become bytes
     * @param maxFrameBytes the largest encoded payload either end accepts; travels with a handle
     * @param <T> the message type
     * @return a new pipe
     * @throws IllegalArgumentException if {@code maxFrameBytes <= 0}
     */
    public static <T> Pipe<T> pipe(Codec<T> codec, int maxFrameBytes) {
        return pipe(codec, PipeOptions.defaults().withMaxFrameBytes(maxFrameBytes));
    }

    /**
     * Creates a pipe with {@code codec}, tuned by {@code options}.
     *
     * @param codec how messages become bytes
     * @param options frame limit, spin before parking, pipe buffer growth
     * @param <T> the message type
     * @return a new pipe
     */
    public static <T> Pipe<T> pipe(Codec<T> codec, PipeOptions options) {
        return new Pipe<>(Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(options, "options"));
    }

    /**
     * Creates a duplex pipe with the default codec, {@link Codec#fory(Class[])}.
     *
     * @param <T> the message type
     * @return a new duplex pipe with {@link Codec#fory(Class[])} and a 256 MiB frame limit
     */
    public static <T> DuplexPipe<T> duplexPipe() {
        return duplexPipe(Codec.fory());
    }

    /**
     * Creates a duplex pipe with {@code codec}.
     *
     * @param codec how messages become bytes
     * @param <T> the message type
     * @return a new duplex pipe with a 256 MiB frame limit
     */
    public static <T> DuplexPipe<T> duplexPipe(Codec<T> codec) {
        return duplexPipe(codec, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * Creates a duplex pipe with {@code codec} and a frame limit.
     *
     * @param codec how messages become bytes
     * @param maxFrameBytes the largest encoded payload accepted; travels with a handle
     * @param <T> the message type
     * @return a new duplex pipe
     * @throws IllegalArgumentException if {@code maxFrameBytes <= 0}
     */
    public static <T> DuplexPipe<T> duplexPipe(Codec<T> codec, int maxFrameBytes) {
        return duplexPipe(codec, PipeOptions.defaults().withMaxFrameBytes(maxFrameBytes));
    }

    /**
     * Creates a duplex pipe with {@code codec}, tuned by {@code options}.
     *
     * @param codec how messages become bytes
     * @param options frame limit, spin before parking, pipe buffer growth
     * @param <T> the message type
     * @return a new duplex pipe
     */
    public static <T> DuplexPipe<T> duplexPipe(Codec<T> codec, PipeOptions options) {
        return new DuplexPipe<>(Objects.requireNonNull(codec, "codec"), Objects.requireNonNull(options, "options"));
    }

    /**
     * Runs {@code task} in a new JVM started with this JVM's {@code java} binary, class path, module
     * path and native-access settings. Every handle the task captures, directly or inside captured
     * objects, is usable in the child and closed here once the child has started (gipc's rule).
     *
     * @param task what the child runs; serialized with everything it captures
     * @return the child, with default options (name {@code Process-N}, not a daemon)
     * @throws HandleClosedException if a captured handle is closed; nothing is spawned
     * @throws HandleLockedException if a captured handle is mid-operation; nothing is spawned
     * @throws IpcException with cause {@link java.io.NotSerializableException} if the task captures
     *     something that is not serializable
     * @throws SpawnException if the JVM could not be started
     */
    public static ChildProcess startProcess(ChildTask task) {
        return startProcess(task, ChildOptions.defaults());
    }

    /**
     * Like {@link #startProcess(ChildTask)}, with a name, daemon flag, extra JVM options or an
     * environment. A daemon child is killed when this JVM exits, even by SIGKILL.
     *
     * <p>With the system property {@code jipc.warmChildren=N} (default 0), this keeps N spare
     * child JVMs for each set of options it is called with, as a {@link WarmChildren} does: the
     * first call with a new set starts cold, later ones take a ready spare when there is one.
     *
     * @param task what the child runs
     * @param options how to start it
     * @return the child
     */
    public static ChildProcess startProcess(ChildTask task, ChildOptions options) {
        return DefaultSpares.start(task, options);
    }

    /**
     * Starts an executable, found on this process's {@code PATH} unless it contains a slash, with
     * stdin and stdout piped and stderr inherited. The child starts with every signal at its
     * default disposition, an empty signal mask and only fds 0-2 open.
     *
     * @param command the program and its arguments
     * @return the child, with its streams
     * @throws SpawnException if the program is missing or cannot be executed
     */
    public static Subprocess spawn(String... command) {
        return spawn(SpawnOptions.defaults(), command);
    }

    /**
     * Like {@link #spawn(String...)}, with a working directory, an environment, and what each
     * standard stream is.
     *
     * @param options how to start it
     * @param command the program and its arguments
     * @return the child, with the streams that are {@code PIPE}
     * @throws SpawnException if the program is missing or cannot be executed, or the directory is bad
     */
    public static Subprocess spawn(SpawnOptions options, String... command) {
        return NativeLauncher.spawn(options, command);
    }
}
