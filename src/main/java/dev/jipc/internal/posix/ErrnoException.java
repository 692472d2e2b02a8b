package dev.jipc.internal.posix;

import dev.jipc.IpcException;
import java.io.Serial;

/** A system call failed: carries the call, the errno, its name and the C library's text for it. */
public final class ErrnoException extends IpcException {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The errno value, as returned by the failed call. */
    private final int errno;

    public ErrnoException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
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
}
