package dev.jipc.internal.posix;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The epoll(7) calls, for {@link EpollSet}: {@link #create} throws as the facade's other
 * creating calls do; {@link #ctl} and {@link #await} are on the reactor's path once per wait, so
 * they return {@code -errno} and allocate nothing.
 */
final class Epoll {
    static final int CTL_ADD = Libc.EPOLL_CTL_ADD();
    static final int CTL_MOD = Libc.EPOLL_CTL_MOD();
    static final int CTL_DEL = Libc.EPOLL_CTL_DEL();

    private static final class Create {
        static final MethodHandle H = Posix.withErrno(Libc.epoll_create1$address(), Libc.epoll_create1$descriptor());
    }

    private static final class Ctl {
        static final MethodHandle H = Posix.withErrno(Libc.epoll_ctl$address(), Libc.epoll_ctl$descriptor());
    }

    private static final class Wait {
        static final MethodHandle H = Posix.withErrno(Libc.epoll_wait$address(), Libc.epoll_wait$descriptor());
    }

    private Epoll() {
    }

    /**
     * @return a new epoll fd, close-on-exec
     * @throws IpcException naming the errno, such as EMFILE when the process is out of descriptors
     */
    static int create() {
        try {
            return Syscall.run("epoll_create1", call -> (int) call.check(
                    (int) Create.H.invokeExact(call.state(), Libc.EPOLL_CLOEXEC())));
        } catch (ErrnoException e) {
            throw e.as(IpcException::new, "cannot create an epoll set");
        }
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, event)}; a fault injected for {@code "epoll_ctl"} fails it.
     *
     * @return 0, or {@code -errno}
     */
    static int ctl(CallState state, int epfd, int op, int fd, MemorySegment event) {
        int injected = FaultInjection.errnoFor("epoll_ctl");
        if (injected != 0) {
            return -injected;
        }
        try {
            int r = (int) Ctl.H.invokeExact(state.segment, epfd, op, fd, event);
            return r >= 0 ? r : -state.errno();
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** @return the number of events written to {@code events}, or {@code -errno} (EINTR included) */
    static int await(CallState state, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            int n = (int) Wait.H.invokeExact(state.segment, epfd, events, maxEvents, timeoutMillis);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }
}
