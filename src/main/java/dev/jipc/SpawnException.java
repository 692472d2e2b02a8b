package dev.jipc;

/**
 * A child process could not be started: a missing or non-executable program, a bad working
 * directory, or a resource limit. The message names the program and the errno.
 */
public class SpawnException extends IpcException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public SpawnException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public SpawnException(String message, Throwable cause) {
        super(message, cause);
    }
}
