package dev.jipc.internal.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.libc.cmsghdr;
import dev.jipc.internal.libc.iovec;
import dev.jipc.internal.libc.msghdr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Unix stream sockets that carry fds (SCM_RIGHTS): the control channel of a warm child. The
 * {@code CMSG_*} macros of {@code <sys/socket.h>} are computed here from the generated
 * {@code cmsghdr} layout: one control message, so {@code CMSG_FIRSTHDR} is the buffer itself.
 */
public final class Sockets {
    /** Linux's SCM_MAX_FD: the most fds one SCM_RIGHTS message carries. */
    public static final int MAX_FDS = 253;
    public static final int ECONNRESET = Libc.ECONNRESET();

    /** Control messages are aligned to {@code size_t}. */
    private static final long ALIGN = ValueLayout.ADDRESS.byteSize();
    private static final long HEADER = align(cmsghdr.sizeof());

    private static final class Socketpair {
        static final MethodHandle H = Posix.withErrno(Libc.socketpair$address(), Libc.socketpair$descriptor());
    }

    private static final class Sendmsg {
        static final MethodHandle H = Posix.withErrno(Libc.sendmsg$address(), Libc.sendmsg$descriptor());
    }

    private static final class Recvmsg {
        static final MethodHandle H = Posix.withErrno(Libc.recvmsg$address(), Libc.recvmsg$descriptor());
    }

    private Sockets() {
    }

    static long align(long n) {
        return (n + ALIGN - 1) & -ALIGN;
    }

    /** {@code CMSG_SPACE(bytes)}: room a control message with that much data takes. */
    static long space(long bytes) {
        return HEADER + align(bytes);
    }

    /** {@code CMSG_LEN(bytes)}: the {@code cmsg_len} of a control message with that much data. */
    static long length(long bytes) {
        return HEADER + bytes;
    }

    /** Links the socket calls ahead of need, for a child JVM that trains before its task. */
    public static void link() {
        for (MethodHandle linked : new MethodHandle[] {Socketpair.H, Sendmsg.H, Recvmsg.H}) {
            java.util.Objects.requireNonNull(linked);
        }
    }

    /**
     * A connected pair of {@code AF_UNIX} stream sockets, close-on-exec, blocking.
     *
     * @return the two ends
     */
    public static int[] socketpair() {
        try {
            return Syscall.run("socketpair(AF_UNIX, SOCK_STREAM)", call -> {
                MemorySegment fds = call.allocate(MemoryLayout.sequenceLayout(2, JAVA_INT));
                call.check((int) Socketpair.H.invokeExact(call.state(), Libc.AF_UNIX(),
                        Libc.SOCK_STREAM() | Libc.SOCK_CLOEXEC(), 0, fds));
                return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            });
        } catch (ErrnoException e) {
            throw e.as(IpcException::new, "cannot create a socketpair");
        }
    }

    /**
     * Sends {@code bytes[offset, offset + count)} with {@code fds} attached to its first byte, in
     * one sendmsg that never waits and never raises SIGPIPE. EINTR is retried.
     *
     * @param fds at most {@link #MAX_FDS}; may be empty
     * @return bytes sent (at least 1 unless {@code count} is 0), or {@code -errno} (EAGAIN, EPIPE, ...)
     */
    public static long send(int fd, byte[] bytes, int offset, int count, int[] fds) {
        if (fds.length > MAX_FDS) {
            throw new IllegalArgumentException(fds.length + " fds: one message carries at most " + MAX_FDS);
        }
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            MemorySegment data = arena.allocate(Math.max(1, count));
            MemorySegment.copy(bytes, offset, data, ValueLayout.JAVA_BYTE, 0, count);
            MemorySegment message = message(arena, data, count, fds.length);
            if (fds.length > 0) {
                MemorySegment control = msghdr.msg_control(message).reinterpret(space(4L * fds.length));
                cmsghdr.cmsg_len(control, length(4L * fds.length));
                cmsghdr.cmsg_level(control, Libc.SOL_SOCKET());
                cmsghdr.cmsg_type(control, Libc.SCM_RIGHTS());
                MemorySegment.copy(fds, 0, control, JAVA_INT, HEADER, fds.length);
            }
            int flags = Libc.MSG_NOSIGNAL() | Libc.MSG_DONTWAIT();
            while (true) {
                long n = (long) Sendmsg.H.invokeExact(state.segment, fd, message, flags);
                if (n >= 0) {
                    return n;
                }
                if (state.errno() != Posix.EINTR) {
                    return -state.errno();
                }
            }
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** What one {@link #receive} got: the bytes read into the caller's array, and the fds. */
    public record Received(int bytes, int[] fds) {
    }

    /**
     * Waits for bytes on a blocking socket and takes the fds that came with them, close-on-exec.
     * EINTR is retried.
     *
     * @param maxFds how many fds the caller expects at most; more is a truncation
     * @return bytes read (0 at end of file) and the fds received (none if none came)
     * @throws IpcException if the control message was truncated (its fds are lost: the kernel
     *     closed the excess, and those that arrived are closed here)
     * @throws IpcException if recvmsg fails (naming the errno)
     */
    public static Received receive(int fd, byte[] bytes, int offset, int count, int maxFds) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            MemorySegment data = arena.allocate(Math.max(1, count));
            MemorySegment message = message(arena, data, count, maxFds);
            long n;
            while (true) {
                n = (long) Recvmsg.H.invokeExact(state.segment, fd, message, Libc.MSG_CMSG_CLOEXEC());
                if (n >= 0) {
                    break;
                }
                if (state.errno() != Posix.EINTR) {
                    throw new ErrnoException("recvmsg(" + fd + ")", state.errno()).as(IpcException::new);
                }
            }
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, bytes, offset, (int) n);
            int[] fds = receivedFds(message);
            if ((msghdr.msg_flags(message) & Libc.MSG_CTRUNC()) != 0) {
                for (int received : fds) {
                    Posix.close(received);
                }
                throw new IpcException("more fds arrived than the " + maxFds + " expected: the control"
                        + " message was truncated and its fds closed");
            }
            return new Received((int) n, fds);
        } catch (IpcException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** A msghdr over {@code data}, with room for a control message of {@code fds} fds. */
    private static MemorySegment message(Arena arena, MemorySegment data, int count, int fds) {
        MemorySegment iov = iovec.allocate(arena);
        iovec.iov_base(iov, data);
        iovec.iov_len(iov, count);
        MemorySegment message = msghdr.allocate(arena); // zeroed: no name, no flags
        msghdr.msg_iov(message, iov);
        msghdr.msg_iovlen(message, 1);
        if (fds > 0) {
            long space = space(4L * fds);
            msghdr.msg_control(message, arena.allocate(space, ALIGN));
            msghdr.msg_controllen(message, space);
        }
        return message;
    }

    private static int[] receivedFds(MemorySegment message) {
        long controlLength = msghdr.msg_controllen(message);
        if (controlLength < HEADER) {
            return new int[0];
        }
        MemorySegment control = msghdr.msg_control(message).reinterpret(controlLength);
        if (cmsghdr.cmsg_level(control) != Libc.SOL_SOCKET() || cmsghdr.cmsg_type(control) != Libc.SCM_RIGHTS()) {
            return new int[0];
        }
        int count = (int) ((cmsghdr.cmsg_len(control) - HEADER) / 4);
        int[] fds = new int[count];
        MemorySegment.copy(control, JAVA_INT, HEADER, fds, 0, count);
        return fds;
    }
}
