package dev.jipc;

/**
 * Thrown by an operation on a handle that was closed on this side (gipc's {@code GIPCClosed}).
 *
 * <p>A thread blocked in {@code get()} or {@code put()} when another thread closes the handle is
 * woken with this exception, and pending async futures fail with it.
 */
public class HandleClosedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public HandleClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public HandleClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
