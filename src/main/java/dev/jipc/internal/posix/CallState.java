package dev.jipc.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * The segment in which the linker saves errno after a call. One per thread of use at a time:
 * owners (a handle end under its lock, the reactor thread) keep theirs, so the hot path allocates
 * nothing.
 */
public final class CallState {
    static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
    private static final long ERRNO_OFFSET = LAYOUT.byteOffset(PathElement.groupElement("errno"));

    /** Where errno lands; lives as long as this object is reachable. */
    final MemorySegment segment;

    /** A state for a long-lived owner; freed by the GC. */
    public CallState() {
        this(Arena.ofAuto());
    }

    /** A state for one call, in the caller's arena: no cleaner to register and run. */
    public CallState(Arena arena) {
        this.segment = arena.allocate(LAYOUT);
    }

    /** @return errno as captured by the last call made with this state */
    public int errno() {
        return segment.get(ValueLayout.JAVA_INT, ERRNO_OFFSET);
    }
}
