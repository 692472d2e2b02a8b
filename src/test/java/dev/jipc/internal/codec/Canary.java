package dev.jipc.internal.codec;

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
