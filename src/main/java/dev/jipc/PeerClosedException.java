package dev.jipc;

/**
 * The other end of a pipe is gone: end-of-file on {@code get()} once every complete message has
 * been read, or a broken pipe on {@code put()}.
 */
public class PeerClosedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public PeerClosedException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public PeerClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
