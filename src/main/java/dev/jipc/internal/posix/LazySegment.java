package dev.jipc.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory allocated on first use: most pipe ends and child streams are created and closed
 * without ever being read or written, and each buffer would cost a zeroed allocation and a
 * cleaner. Not thread-safe: its owner uses it under a lock.
 */
public final class LazySegment {
    /** Bytes to allocate. */
    private final long size;
    /** Null until first use; freed by the GC with its owner. */
    private MemorySegment segment;

    public LazySegment(long size) {
        this.size = size;
    }

    public MemorySegment get() {
        MemorySegment s = segment;
        if (s == null) {
            s = segment = Arena.ofAuto().allocate(size, 8);
        }
        return s;
    }
}
