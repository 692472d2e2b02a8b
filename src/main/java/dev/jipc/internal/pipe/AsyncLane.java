package dev.jipc.internal.pipe;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a handle end's async operations one after another, in submission order, on one virtual
 * thread that exists only while operations are pending: a pending {@code getAsync} costs no
 * platform thread, and futures complete in the order they were asked for.
 */
final class AsyncLane {
    /** Operations not yet run, in submission order. */
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** Submitted and not finished; the submitter that raises it from 0 starts the drainer. */
    private final AtomicInteger pending = new AtomicInteger();

    void submit(Runnable operation) {
        queue.add(operation);
        if (pending.getAndIncrement() == 0) {
            Thread.ofVirtual().name("jipc-async").start(this::drain);
        }
    }

    /** @return whether operations are queued or running */
    boolean isBusy() {
        return pending.get() != 0;
    }

    private void drain() {
        do {
            try {
                queue.poll().run();
            } catch (Throwable t) { // operations complete their own futures; this is a jipc bug
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
        } while (pending.decrementAndGet() != 0);
    }
}
