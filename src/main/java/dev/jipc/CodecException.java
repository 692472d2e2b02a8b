package dev.jipc;

/**
 * Encoding or decoding a message failed, or the codec refused a type it does not allow. Nothing is
 * sent when encoding fails.
 */
public class CodecException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public CodecException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public CodecException(String message, Throwable cause) {
        super(message, cause);
    }
}
