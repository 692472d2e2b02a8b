package dev.jipc.internal.util;

import java.time.Duration;

/**
 * Durations as the public API takes them, turned into nanoseconds that cannot overflow: a
 * timeout longer than about 292 years means "forever", as {@link Thread#join(Duration)} reads it,
 * and zero or negative means "do not block".
 */
public final class Timeouts {
    /** What {@link #nanos} returns for a timeout too long to count: wait without a deadline. */
    public static final long FOREVER = Long.MAX_VALUE;

    private Timeouts() {
    }

    /** @return the timeout in nanoseconds, 0 if zero or negative, {@link #FOREVER} if too long */
    public static long nanos(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return FOREVER;
        }
    }

    /**
     * @param start a {@link System#nanoTime()} reading
     * @param nanos a timeout from {@link #nanos}
     * @return how much of {@code nanos} is left now (0 when it has run out), {@link #FOREVER} stays
     */
    public static long remaining(long start, long nanos) {
        if (nanos == FOREVER) {
            return FOREVER;
        }
        return Math.max(0, nanos - (System.nanoTime() - start));
    }
}
