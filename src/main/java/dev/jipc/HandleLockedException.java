package dev.jipc;

/**
 * Thrown by {@link Jipc#startProcess} when a handle the task captures is in the middle of an
 * operation (a {@code get}, {@code put}, {@code getAsync} or {@code putAsync} not yet completed),
 * gipc's {@code GIPCLocked}. Nothing is spawned and the handle stays usable.
 */
public class HandleLockedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public HandleLockedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public HandleLockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
