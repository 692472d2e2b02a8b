package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

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

    /**
     * Downcall handles, each linked on first use: linking spins classes, and a child JVM's time
     * to its first message counts every millisecond of it.
     */
    private static final class Read {
        static final MethodHandle H = withErrno(Libc.read$address(), Libc.read$descriptor());
    }

    private static final class Write {
        static final MethodHandle H = withErrno(Libc.write$address(), Libc.write$descriptor());
    }

    /** read(2) into a Java array, pinned for the call: no native staging, no copy. */
    private static final class ReadHeap {
        static final MethodHandle H = link(Libc.read$address(), Libc.read$descriptor(),
                Linker.Option.critical(true), Linker.Option.captureCallState("errno"));
    }

    /** write(2) from a Java array, pinned for the call. */
    private static final class WriteHeap {
        static final MethodHandle H = link(Libc.write$address(), Libc.write$descriptor(),
                Linker.Option.critical(true), Linker.Option.captureCallState("errno"));
    }

    private static final class Poll {
        static final MethodHandle H = withErrno(Libc.poll$address(), Libc.poll$descriptor());
    }

    private static final class Close {
        static final MethodHandle H = withErrno(Libc.close$address(), Libc.close$descriptor());
    }

    private static final class Pipe2 {
        static final MethodHandle H = withErrno(Libc.pipe2$address(), Libc.pipe2$descriptor());
    }

    private static final class EventFd {
        static final MethodHandle H = withErrno(Libc.eventfd$address(), Libc.eventfd$descriptor());
    }

    private static final class FcntlInt {
        // int fcntl(int fd, int cmd, ...): the variadic int argument is passed as such.
        static final MethodHandle H = link(Libc.fcntl.address(),
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_INT, Libc.C_INT),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    }

    private Posix() {
    }

    /** A downcall handle for a generated function, taking a {@link CallState} segment first. */
    public static MethodHandle withErrno(MemorySegment address, FunctionDescriptor descriptor) {
        return link(address, descriptor, Linker.Option.captureCallState("errno"));
    }

    /** Links a downcall, turning a denied native access into one message that says what to do. */
    public static MethodHandle link(MemorySegment address, FunctionDescriptor descriptor, Linker.Option... options) {
        try {
            return LINKER.downcallHandle(address, descriptor, options);
        } catch (IllegalCallerException e) {
            throw new IpcException("jipc calls the C library through the FFM API and was denied native"
                    + " access: start java with --enable-native-access=ALL-UNNAMED (class path) or"
                    + " --enable-native-access=dev.jipc (module path)", e);
        }
    }

    /**
     * Links the calls a pipe end makes, ahead of need: a child JVM does it while it reads its task.
     * write(2) first among those not linked yet: a task's first act is often a put.
     */
    public static void linkPipeCalls() {
        // Reading each holder's field runs its class initializer, which links the call.
        for (MethodHandle linked : new MethodHandle[] {Write.H, Close.H, FcntlInt.H, Read.H, Poll.H, WriteHeap.H, ReadHeap.H}) {
            Objects.requireNonNull(linked);
        }
    }

    /** @return bytes read (0 at end of file), or {@code -errno} */
    public static long read(CallState state, int fd, MemorySegment buffer, long count) {
        try {
            long n = (long) Read.H.invokeExact(state.segment, fd, buffer, count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return bytes written, or {@code -errno} */
    public static long write(CallState state, int fd, MemorySegment buffer, long count) {
        try {
            long n = (long) Write.H.invokeExact(state.segment, fd, buffer, count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Reads into {@code bytes[offset, offset + count)} directly. The array is pinned during the
     * call, which is fine for a non-blocking fd: the call never waits.
     *
     * @return bytes read (0 at end of file), or {@code -errno}
     */
    public static long read(CallState state, int fd, byte[] bytes, int offset, int count) {
        try {
            long n = (long) ReadHeap.H.invokeExact(state.segment, fd,
                    MemorySegment.ofArray(bytes).asSlice(offset, count), (long) count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * Writes {@code bytes[offset, offset + count)} directly, the array pinned during the call.
     *
     * @return bytes written, or {@code -errno}
     */
    public static long write(CallState state, int fd, byte[] bytes, int offset, int count) {
        try {
            long n = (long) WriteHeap.H.invokeExact(state.segment, fd,
                    MemorySegment.ofArray(bytes).asSlice(offset, count), (long) count);
            return n >= 0 ? n : -state.errno();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** @return the number of ready entries of the {@code struct pollfd} array, or {@code -errno} */
    public static int poll(CallState state, MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            int n = (int) Poll.H.invokeExact(state.segment, pollfds, count, timeoutMillis);
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
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            int r = (int) Close.H.invokeExact(state.segment, fd);
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
            CallState state = new CallState(arena);
            int r = (int) Pipe2.H.invokeExact(state.segment, fds, O_CLOEXEC | O_NONBLOCK);
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
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            int fd = (int) EventFd.H.invokeExact(state.segment, 0, Libc.EFD_CLOEXEC() | Libc.EFD_NONBLOCK());
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
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            while (true) {
                int r = (int) FcntlInt.H.invokeExact(state.segment, fd, cmd, arg);
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

    /** Sets O_NONBLOCK on {@code fd}. */
    public static void setNonBlocking(int fd) {
        fcntl(fd, Libc.F_SETFL(), fcntl(fd, Libc.F_GETFL(), 0) | O_NONBLOCK);
    }

    /** @return a new fd for what {@code fd} refers to, close-on-exec (F_DUPFD_CLOEXEC) */
    public static int dup(int fd) {
        return fcntl(fd, Libc.F_DUPFD_CLOEXEC(), 0);
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
