package dev.jipc.internal.child;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SettlingTest {

    @Test
    void returnsOnceTheReadingHasStayedTheSameForTheQuietReads() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        // changes on each of the first 5 reads, then stays at 5
        assertTrue(Settling.await(() -> Math.min(reads.getAndIncrement(), 5), 0, 3, 60_000));
        assertEquals(9, reads.get()); // reads 0..5 change it, then 3 more equal to 5
    }

    @Test
    void aReadingThatNeverStopsChangingEndsAtTheDeadline() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        assertFalse(Settling.await(reads::getAndIncrement, 1, 3, 30));
        assertTrue(reads.get() > 1, "it read more than once before the deadline: " + reads.get());
    }

    @Test
    void aReadingThatNeverChangesSettlesAfterExactlyTheQuietReads() throws InterruptedException {
        AtomicInteger reads = new AtomicInteger();
        assertTrue(Settling.await(() -> {
            reads.incrementAndGet();
            return 42;
        }, 0, 2, 60_000));
        assertEquals(3, reads.get());
    }

    @Test
    void absurdArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Settling.await(() -> 0, -1, 3, 10));
        assertThrows(IllegalArgumentException.class, () -> Settling.await(() -> 0, 1, 0, 10));
        assertThrows(IllegalArgumentException.class, () -> Settling.await(() -> 0, 1, 3, -1));
    }
}
