package dev.jipc.internal.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;

/**
 * One facade call that throws: a confined arena for its errno and out-parameters, freed on
 * return; a failure becomes an {@link ErrnoException} naming the call; the {@link FaultInjection}
 * seam is consulted first. Hot-path calls (read, write, poll) return {@code -errno} instead and
 * never come here.
 *
 * <pre>{@code
 * int fd = Syscall.run("eventfd", call -> (int) call.check((int) H.invokeExact(call.state(), 0, flags)));
 * }</pre>
 */
final class Syscall {
    /** The native part of the call, made with this frame's errno segment. */
    @FunctionalInterface
    interface Body<R> {
        R run(Syscall call) throws Throwable;
    }

    /** The call and its arguments, for the error message. */
    private final String name;
    /** Freed when the call returns. */
    private final Arena arena;
    /** Where the linker saves errno. */
    private final CallState state;

    private Syscall(String name, Arena arena) {
        this.name = name;
        this.arena = arena;
        this.state = new CallState(arena);
    }

    /**
     * @param name the call and its arguments, such as {@code "close(7)"}
     * @throws ErrnoException if the body's {@link #check} found a failure, or a fault is injected
     */
    static <R> R run(String name, Body<R> body) throws ErrnoException {
        int injected = FaultInjection.errnoFor(name);
        if (injected != 0) {
            throw new ErrnoException(name, injected);
        }
        try (Arena arena = Arena.ofConfined()) {
            return body.run(new Syscall(name, arena));
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** @return the errno segment to pass first */
    MemorySegment state() {
        return state.segment;
    }

    /** @return zeroed memory for an out-parameter, freed when the call returns */
    MemorySegment allocate(MemoryLayout layout) {
        return arena.allocate(layout);
    }

    /** @return {@code result}, unless it is negative: then the call failed with errno */
    long check(long result) throws ErrnoException {
        if (result < 0) {
            throw new ErrnoException(name, state.errno());
        }
        return result;
    }

    /** @return whether {@code result} is a failure with EINTR, to be retried */
    boolean interrupted(long result) {
        return result < 0 && state.errno() == Posix.EINTR;
    }
}
