package dev.jipc.internal.posix;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test seam: makes a named system call fail with a chosen errno, as the kernel would under load
 * (EMFILE) or on an old kernel (ENOSYS), so that the failure paths are tested without exhausting
 * the machine. Production code never arms it; unarmed, it costs one volatile read per throwing
 * facade call, per {@link PollSet#poll}, {@link EpollSet#poll} and per {@code epoll_ctl}.
 *
 * <pre>{@code
 * try (var fault = FaultInjection.inject("pipe2", Libc.EMFILE())) {
 *     assertThrows(SpawnException.class, () -> Jipc.spawn("cat"));
 * }
 * }</pre>
 */
public final class FaultInjection {
    /** Armed faults by call name ({@code "pipe2"}, {@code "pidfd_open"}, {@code "poll"}, {@code "epoll_wait"}). */
    private static final Map<String, Fault> FAULTS = new ConcurrentHashMap<>();
    /** Whether {@link #FAULTS} may hold anything: the one read an unarmed call pays. */
    private static volatile boolean armed;

    private FaultInjection() {
    }

    /** An armed fault; closing it disarms it. */
    public static final class Armed implements AutoCloseable {
        private final String call;
        private final Fault fault;

        private Armed(String call, Fault fault) {
            this.call = call;
            this.fault = fault;
        }

        @Override
        public void close() {
            FAULTS.remove(call, fault);
        }
    }

    /** Makes every call of {@code call} fail with {@code errno} until the result is closed. */
    public static Armed inject(String call, int errno) {
        return inject(call, errno, Integer.MAX_VALUE);
    }

    /** Makes the next {@code times} calls of {@code call} fail with {@code errno}. */
    public static Armed inject(String call, int errno, int times) {
        Fault fault = new Fault(errno, times);
        FAULTS.put(call, fault);
        armed = true;
        return new Armed(call, fault);
    }

    /**
     * @param call a call as named in its ErrnoException, such as {@code "close(7)"} or {@code "pipe2"}
     * @return the errno {@code call} is to fail with now, or 0 to make it
     */
    static int errnoFor(String call) {
        if (!armed) {
            return 0;
        }
        int paren = call.indexOf('(');
        Fault fault = FAULTS.get(paren < 0 ? call : call.substring(0, paren));
        return fault == null ? 0 : fault.take();
    }

    /** An errno to fail with, so many more times. */
    private static final class Fault {
        final int errno;
        final AtomicInteger left;

        Fault(int errno, int times) {
            this.errno = errno;
            this.left = new AtomicInteger(times);
        }

        int take() {
            return left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0 ? errno : 0;
        }
    }
}
