package dev.jipc;

/**
 * A corrupt, truncated or oversized frame was received. The reading handle is closed, since its
 * byte stream can no longer be trusted; other handles are unaffected.
 */
public class ProtocolException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public ProtocolException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
