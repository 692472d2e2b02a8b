package dev.jipc.internal.codec;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class no codec under test allows: frames name it, and its static initializer must never run
 * in this class's loader. Tests name it by {@link #NAME} only and build frames from a copy defined
 * by an isolated loader ({@link CanaryFrames}), so that only a codec that let it through could
 * initialize this copy.
 */
public record Canary(int value) {
    static final String NAME = "dev.jipc.internal.codec.Canary";

    static {
        CanaryWitness.initializations.incrementAndGet();
    }
}

/** Counts the runs of {@link Canary}'s static initializer in this class's loader. */
final class CanaryWitness {
    static final String NAME = "dev.jipc.internal.codec.CanaryWitness";
    static final AtomicInteger initializations = new AtomicInteger();

    private CanaryWitness() {
    }
}
