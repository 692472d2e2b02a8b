package dev.jipc;

import java.util.Objects;

/**
 * jipc's entry point: pipes between threads and processes.
 *
 * <pre>{@code
 * try (Pipe<Integer> pipe = Jipc.pipe()) {
 *     pipe.writer().putAsync(42);
 *     int answer = pipe.reader().get();
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
    public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

    private Jipc() {
    }

    /**
     * @param <T> the message type
     * @return a new pipe with {@link Codec#fory(Class[])} and a 256 MiB frame limit
     */
    public static <T> Pipe<T> pipe() {
        return pipe(Codec.fory());
    }

    /**
     * @param codec how messages become bytes
     * @param <T> the message type
     * @return a new pipe with a 256 MiB frame limit
     */
    public static <T> Pipe<T> pipe(Codec<T> codec) {
        return pipe(codec, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * @param codec how messages become bytes
     * @param maxFrameBytes the largest encoded payload either end accepts; travels with a handle
     * @param <T> the message type
     * @return a new pipe
     * @throws IllegalArgumentException if {@code maxFrameBytes <= 0}
     */
    public static <T> Pipe<T> pipe(Codec<T> codec, int maxFrameBytes) {
        return new Pipe<>(Objects.requireNonNull(codec, "codec"), checkMax(maxFrameBytes));
    }

    /**
     * @param <T> the message type
     * @return a new duplex pipe with {@link Codec#fory(Class[])} and a 256 MiB frame limit
     */
    public static <T> DuplexPipe<T> duplexPipe() {
        return duplexPipe(Codec.fory());
    }

    /**
     * @param codec how messages become bytes
     * @param <T> the message type
     * @return a new duplex pipe with a 256 MiB frame limit
     */
    public static <T> DuplexPipe<T> duplexPipe(Codec<T> codec) {
        return duplexPipe(codec, DEFAULT_MAX_FRAME_BYTES);
    }

    /**
     * @param codec how messages become bytes
     * @param maxFrameBytes the largest encoded payload accepted; travels with a handle
     * @param <T> the message type
     * @return a new duplex pipe
     * @throws IllegalArgumentException if {@code maxFrameBytes <= 0}
     */
    public static <T> DuplexPipe<T> duplexPipe(Codec<T> codec, int maxFrameBytes) {
        return new DuplexPipe<>(Objects.requireNonNull(codec, "codec"), checkMax(maxFrameBytes));
    }

    private static int checkMax(int maxFrameBytes) {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
        }
        return maxFrameBytes;
    }
}
