package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Objects;

/**
 * The file-descriptor calls jipc makes, over the generated bindings with errno captured by the
 * linker. Hot-path calls ({@link #read}, {@link #write}, {@link #poll}) return {@code -errno} on
 * failure and allocate nothing; the others go through {@link Syscall}, retry EINTR where that is
 * safe, and throw either a public {@link IpcException} naming the errno (when the failure means
 * the same to every caller) or the checked {@link ErrnoException} (when the caller decides).
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
    static int poll(CallState state, MemorySegment pollfds, long count, int timeoutMillis) {
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
     *
     * @throws IpcException EBADF: a jipc bug, since jipc closes only descriptors it owns
     */
    public static void close(int fd) {
        try {
            Syscall.run("close(" + fd + ")", call -> {
                int r = (int) Close.H.invokeExact(call.state(), fd);
                return call.interrupted(r) ? 0 : call.check(r);
            });
        } catch (ErrnoException e) {
            throw e.as(IpcException::new);
        }
    }

    /**
     * Creates a pipe with {@code O_CLOEXEC | O_NONBLOCK} on both ends.
     *
     * @return {@code {readFd, writeFd}}
     * @throws IpcException naming the errno, such as EMFILE when the process is out of descriptors
     */
    public static int[] pipe() {
        try {
            return Syscall.run("pipe2", call -> {
                MemorySegment fds = call.allocate(MemoryLayout.sequenceLayout(2, JAVA_INT));
                call.check((int) Pipe2.H.invokeExact(call.state(), fds, O_CLOEXEC | O_NONBLOCK));
                return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            });
        } catch (ErrnoException e) {
            throw e.as(IpcException::new, "cannot create a pipe");
        }
    }

    /**
     * @return a new eventfd, non-blocking and close-on-exec
     * @throws IpcException naming the errno, such as EMFILE when the process is out of descriptors
     */
    public static int eventfd() {
        try {
            return Syscall.run("eventfd", call -> (int) call.check(
                    (int) EventFd.H.invokeExact(call.state(), 0, Libc.EFD_CLOEXEC() | Libc.EFD_NONBLOCK())));
        } catch (ErrnoException e) {
            throw e.as(IpcException::new, "cannot create an eventfd");
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with EINTR retried. */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        return Syscall.run("fcntl(" + fd + ", " + cmd + ")", call -> {
            int r;
            do {
                r = (int) FcntlInt.H.invokeExact(call.state(), fd, cmd, arg);
            } while (call.interrupted(r));
            return (int) call.check(r);
        });
    }

    /** {@link #fcntl} on a descriptor of jipc's own, where only a jipc bug (EBADF) fails it. */
    private static int fcntlOwn(int fd, int cmd, int arg) {
        try {
            return fcntl(fd, cmd, arg);
        } catch (ErrnoException e) {
            throw e.as(IpcException::new);
        }
    }

    /** @return the pipe's buffer size in bytes (F_GETPIPE_SZ) */
    public static int pipeCapacity(int fd) {
        return fcntlOwn(fd, Libc.F_GETPIPE_SZ(), 0);
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
        fcntlOwn(fd, Libc.F_SETFL(), fcntlOwn(fd, Libc.F_GETFL(), 0) & ~O_NONBLOCK);
    }

    /** Sets O_NONBLOCK on {@code fd}. */
    public static void setNonBlocking(int fd) {
        fcntlOwn(fd, Libc.F_SETFL(), fcntlOwn(fd, Libc.F_GETFL(), 0) | O_NONBLOCK);
    }

    /**
     * @return a new fd for the same open file, close-on-exec
     * @throws IpcException EMFILE when out of descriptors
     */
    public static int duplicate(int fd) {
        try {
            return fcntl(fd, Libc.F_DUPFD_CLOEXEC(), 0);
        } catch (ErrnoException e) {
            throw e.as(IpcException::new, "cannot duplicate fd " + fd);
        }
    }

    /** Sets FD_CLOEXEC on {@code fd}. */
    public static void setCloseOnExec(int fd) {
        fcntlOwn(fd, Libc.F_SETFD(), Libc.FD_CLOEXEC());
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
