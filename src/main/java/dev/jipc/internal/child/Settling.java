package dev.jipc.internal.child;

import java.util.function.LongSupplier;

/**
 * Waits for a reading of the JVM's own activity (compilation time so far, committed heap) to stop
 * changing: a spare that says it is ready while its JIT or its heap is still busy makes its
 * first task share the machine with them.
 *
 * <pre>{@code
 * Settling.await(jit::getTotalCompilationTime, 20, 3, 2_000);
 * }</pre>
 */
final class Settling {
    private Settling() {
    }

    /**
     * Reads {@code reading} every {@code intervalMillis} until it has returned the same value
     * {@code quietReads} times in a row after a first read, or {@code maxMillis} have passed.
     *
     * @return whether it settled (false: the time ran out first)
     */
    static boolean await(LongSupplier reading, long intervalMillis, int quietReads, long maxMillis)
            throws InterruptedException {
        if (intervalMillis < 0 || quietReads < 1 || maxMillis < 0) {
            throw new IllegalArgumentException("intervalMillis " + intervalMillis + ", quietReads " + quietReads
                    + ", maxMillis " + maxMillis);
        }
        long deadline = System.nanoTime() + maxMillis * 1_000_000;
        long last = reading.getAsLong();
        int quiet = 0;
        while (quiet < quietReads) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(intervalMillis);
            long now = reading.getAsLong();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }
        return true;
    }
}
