package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The file-descriptor calls jipc makes, over the generated bindings with errno captured by the
 * linker. Hot-path calls ({@link #read}, {@link #write}, {@link #poll}) return {@code -errno} on
 * failure and allocate nothing; the others throw {@link ErrnoException} and retry EINTR.
 */
public final class Posix {
    public static final int O_CLOEXEC = Libc.O_CLOEXEC();
    public static final int O_NONBLOCK = Libc.O_NONBLOCK();
    public static final int EAGAIN = Libc.EAGAIN();
    public static final int EINTR = Libc.EINTR();
    public static final int EPIPE = Libc.EPIPE();
    public static final int EBADF = Libc.EBADF();
    public static final short POLLIN = (short) Libc.POLLIN();
    public static final short POLLOUT = (short) Libc.POLLOUT();
    public static final short POLLERR = (short) Libc.POLLERR();
    public static final short POLLHUP = (short) Libc.POLLHUP();
    public static final short POLLNVAL = (short) Libc.POLLNVAL();

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle READ;
    private static final MethodHandle WRITE;
    private static final MethodHandle POLL;
    private static final MethodHandle CLOSE;
    private static final MethodHandle PIPE2;
    private static final MethodHandle EVENTFD;
    private static final MethodHandle FCNTL_INT;

    static {
        try {
            READ = withErrno(Libc.read$address(), Libc.read$descriptor());
            WRITE = withErrno(Libc.write$address(), Libc.write$descriptor());
            POLL = withErrno(Libc.poll$address(), Libc.poll$descriptor());
            CLOSE = withErrno(Libc.close$address(), Libc.close$descriptor());
            PIPE2 = withErrno(Libc.pipe2$address(), Libc.pipe2$descriptor());
            EVENTFD = withErrno(Libc.eventfd$address(), Libc.eventfd$descriptor());
            // int fcntl(int fd, int cmd, ...): the variadic int argument is passed as such.
            FCNTL_INT = LINKER.downcallHandle(Libc.fcntl.address(),
                    FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_INT),
                    Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
        } catch (IllegalCallerException e) {
            throw new IpcException("jipc calls the C library through the FFM API and was denied native"
                    + " access: start java with --enable-native-access=ALL-UNNAMED (class path) or"
                    + " --enable-native-access=dev.jipc (module path)", e);
        }
    }

    private Posix() {
    }

    /** A downcall handle for a generated function, taking a {@link CallState} segment first. */
    public static MethodHandle withErrno(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, Linker.Option.captureCallState("errno"));
    }

    /** @return bytes read (0 at end of file), or {@code -errno} */
    public static long read(CallState state, int fd, MemorySegment buffer, long count) {
        try {
            long n = (long) READ.invokeExact(state.segment, fd, buffer, count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return bytes written, or {@code -errno} */
    public static long write(CallState state, int fd, MemorySegment buffer, long count) {
        try {
            long n = (long) WRITE.invokeExact(state.segment, fd, buffer, count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return the number of ready entries of the {@code struct pollfd} array, or {@code -errno} */
    public static int poll(CallState state, MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            int n = (int) POLL.invokeExact(state.segment, pollfds, count, timeoutMillis);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Closes {@code fd}. EINTR is not retried: on Linux the descriptor is released even then, and a
     * retry could close a descriptor another thread has just been given.
     */
    public static void close(int fd) {
        CallState state = new CallState();
        try {
            int r = (int) CLOSE.invokeExact(state.segment, fd);
            if (r < 0 && state.errno() != EINTR) {
                throw new ErrnoException("close(" + fd + ")", state.errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Creates a pipe with {@code O_CLOEXEC | O_NONBLOCK} on both ends.
     *
     * @return {@code {readFd, writeFd}}
     */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            CallState state = new CallState();
            int r = (int) PIPE2.invokeExact(state.segment, fds, O_CLOEXEC | O_NONBLOCK);
            if (r < 0) {
                throw new ErrnoException("pipe2", state.errno());
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return a new eventfd, non-blocking and close-on-exec */
    public static int eventfd() {
        CallState state = new CallState();
        try {
            int fd = (int) EVENTFD.invokeExact(state.segment, 0, Libc.EFD_CLOEXEC() | Libc.EFD_NONBLOCK());
            if (fd < 0) {
                throw new ErrnoException("eventfd", state.errno());
            }
            return fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with EINTR retried. */
    public static int fcntl(int fd, int cmd, int arg) {
        CallState state = new CallState();
        try {
            while (true) {
                int r = (int) FCNTL_INT.invokeExact(state.segment, fd, cmd, arg);
                if (r >= 0) {
                    return r;
                }
                if (state.errno() != EINTR) {
                    throw new ErrnoException("fcntl(" + fd + ", " + cmd + ")", state.errno());
                }
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return the pipe's buffer size in bytes (F_GETPIPE_SZ) */
    public static int pipeCapacity(int fd) {
        return fcntl(fd, Libc.F_GETPIPE_SZ(), 0);
    }

    /**
     * Asks the kernel for a pipe buffer of {@code bytes} (F_SETPIPE_SZ).
     *
     * @return the new size, or -1 if refused (EPERM over the user's quota, EBUSY, EINVAL)
     */
    public static int resizePipe(int fd, int bytes) {
        try {
            return fcntl(fd, Libc.F_SETPIPE_SZ(), bytes);
        } catch (ErrnoException e) {
            return -1;
        }
    }

    /** Clears O_NONBLOCK on {@code fd}: for the end of a pipe that a native child gets as stdio. */
    public static void setBlocking(int fd) {
        fcntl(fd, Libc.F_SETFL(), fcntl(fd, Libc.F_GETFL(), 0) & ~O_NONBLOCK);
    }

    /** Sets FD_CLOEXEC on {@code fd}. */
    public static void setCloseOnExec(int fd) {
        fcntl(fd, Libc.F_SETFD(), Libc.FD_CLOEXEC());
    }

    static IpcException unexpected(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        if (t instanceof IpcException e) {
            return e;
        }
        return new IpcException("unexpected failure in a native call: " + t, t);
    }
}
