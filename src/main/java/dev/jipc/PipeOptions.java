package dev.jipc;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * Per-pipe tuning, beyond the codec. Travels with a handle to a child.
 *
 * <pre>{@code
 * // A latency-critical channel: spin longer before parking.
 * DuplexPipe<byte[]> p = Jipc.duplexPipe(Codec.raw(),
 *         PipeOptions.defaults().withSpin(Duration.ofMicros(200)));
 * }</pre>
 *
 * @param maxFrameBytes the largest encoded payload a message may have (default 256 MiB)
 * @param spin how long a {@code get} that finds the pipe empty (or a {@code put} that finds it
 *     full) keeps retrying before it parks on the reactor. Waking a parked thread costs tens of
 *     microseconds, so a short spin saves that on a busy pipe; the price is CPU burnt while
 *     spinning (at most this long per wait) and, on a virtual thread, its carrier held as long.
 *     Each end spins adaptively: it keeps spinning while at least a third of its spins pay, and
 *     otherwise parks at once (trying a spin every 16th wait); a spin ends early on close, on an
 *     interrupt, or at a {@code get}'s deadline. Default 20 µs; {@link Duration#ZERO} never spins;
 *     one too long to count in nanoseconds never parks.
 * @param maxPipeBytes how far a writer that finds the pipe full may grow the kernel's pipe buffer
 *     (F_SETPIPE_SZ; default 1 MiB, the usual {@code /proc/sys/fs/pipe-max-size}). Only pipes that
 *     fill up grow; a value at or below 64 KiB keeps the kernel's default.
 */
public record PipeOptions(int maxFrameBytes, Duration spin, int maxPipeBytes) implements Serializable {
    /** The default {@link #maxFrameBytes}: 256 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;
    /** The default {@link #spin}: 20 µs. */
    public static final Duration DEFAULT_SPIN = Duration.ofNanos(20_000);
    /** The default {@link #maxPipeBytes}: 1 MiB. */
    public static final int DEFAULT_MAX_PIPE_BYTES = 1024 * 1024;

    /**
     * Checks the options.
     *
     * @throws IllegalArgumentException if {@code maxFrameBytes <= 0} or {@code spin} is negative
     */
    public PipeOptions {
        if (maxFrameBytes <= 0) {
            throw new IllegalArgumentException("maxFrameBytes must be positive, got " + maxFrameBytes);
        }
        Objects.requireNonNull(spin, "spin");
        if (spin.isNegative()) {
            throw new IllegalArgumentException("spin must not be negative, got " + spin);
        }
    }

    /** {@return 256 MiB frames, a 20 µs spin, pipes growing up to 1 MiB} */
    public static PipeOptions defaults() {
        return new PipeOptions(DEFAULT_MAX_FRAME_BYTES, DEFAULT_SPIN, DEFAULT_MAX_PIPE_BYTES);
    }

    /**
     * {@return a copy with this frame limit}
     *
     * @param maxFrameBytes the largest payload
     */
    public PipeOptions withMaxFrameBytes(int maxFrameBytes) {
        return new PipeOptions(maxFrameBytes, spin, maxPipeBytes);
    }

    /**
     * {@return a copy with this spin}
     *
     * @param spin how long to retry before parking
     */
    public PipeOptions withSpin(Duration spin) {
        return new PipeOptions(maxFrameBytes, spin, maxPipeBytes);
    }

    /**
     * {@return a copy with this pipe growth limit}
     *
     * @param maxPipeBytes how far a full pipe may grow
     */
    public PipeOptions withMaxPipeBytes(int maxPipeBytes) {
        return new PipeOptions(maxFrameBytes, spin, maxPipeBytes);
    }
}
