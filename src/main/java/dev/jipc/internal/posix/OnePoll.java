package dev.jipc.internal.posix;

import dev.jipc.internal.libc.pollfd;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@code poll(2)} of one fd on the calling platform thread, with a {@code pollfd} of the thread's
 * own, so that a wait allocates nothing.
 */
public final class OnePoll {
    private static final ThreadLocal<OnePoll> PER_THREAD = ThreadLocal.withInitial(OnePoll::new);

    private final CallState state = new CallState();
    private final MemorySegment slot = Arena.ofAuto().allocate(pollfd.layout());

    private OnePoll() {
    }

    /**
     * Waits until {@code fd} is ready for {@code events}, fails, or {@code millis} pass.
     *
     * @return the revents (non-zero) if it is ready, 0 if the time passed, or {@code -errno}
     */
    public static int poll(int fd, short events, int millis) {
        assert !Thread.currentThread().isVirtual() : "a virtual thread must not block its carrier in poll";
        OnePoll p = PER_THREAD.get();
        pollfd.fd(p.slot, fd);
        pollfd.events(p.slot, events);
        pollfd.revents(p.slot, (short) 0);
        int n = Posix.poll(p.state, p.slot, 1, millis);
        return n > 0 ? pollfd.revents(p.slot) & 0xffff : n;
    }
}
