package dev.jipc.internal.codec;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts the runs of {@link Canary}'s static initializer in this class's loader. */
final class CanaryWitness {
    static final String NAME = "dev.jipc.internal.codec.CanaryWitness";
    static final AtomicInteger initializations = new AtomicInteger();

    private CanaryWitness() {
    }
}
