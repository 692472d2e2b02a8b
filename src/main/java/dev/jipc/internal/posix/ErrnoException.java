package dev.jipc.internal.posix;

import dev.jipc.IpcException;
import java.io.Serial;
import java.util.function.Function;

/**
 * A system call failed: carries the call, the errno, its name and the C library's text for it.
 *
 * <p>Checked, as the JDK's {@code sun.nio.fs.UnixException} is, so that javac proves none leaves
 * jipc: whoever catches one turns it into the public exception its context calls for with
 * {@link #as}, which never chains it. The facade does so itself for the calls whose failure means
 * the same to every caller (pipe2, eventfd, close, fcntl on jipc's own fds); the calls whose
 * caller decides (posix_spawn, pidfd_open, waitid, kill) declare it.
 */
public final class ErrnoException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The errno value, as returned by the failed call. */
    private final int errno;

    /** @param call the call and its arguments, such as {@code "close(7)"} */
    public ErrnoException(String call, int errno) {
        super(call + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    /** @return the errno value */
    public int errno() {
        return errno;
    }

    /** @return the errno's symbolic name, such as {@code "EBADF"} */
    public String errnoName() {
        return Errno.name(errno);
    }

    /**
     * The public exception a user gets for this failure: its message is this one (the call, the
     * errno's name and text) and what to do about it; its stack trace is this one's. This
     * exception is not its cause, so no internal type is ever in a user's exception chain.
     *
     * @param kind the public exception's message constructor, such as {@code SpawnException::new}
     * @param context what jipc was doing, such as {@code "cannot start cat"}; null for none
     */
    public <X extends IpcException> X as(Function<String, X> kind, String context) {
        X converted = kind.apply((context == null ? "" : context + ": ") + getMessage() + Errno.hint(errno));
        converted.setStackTrace(getStackTrace());
        return converted;
    }

    /** {@link #as(Function, String)} without a context. */
    public <X extends IpcException> X as(Function<String, X> kind) {
        return as(kind, null);
    }
}
