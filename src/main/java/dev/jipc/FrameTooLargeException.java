package dev.jipc;

/**
 * A message whose encoded payload is larger than the writer's {@code maxFrameBytes}. It is refused
 * before any byte is written, and the writer stays usable.
 */
public class FrameTooLargeException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public FrameTooLargeException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public FrameTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
