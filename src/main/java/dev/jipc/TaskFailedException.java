package dev.jipc;

/**
 * A {@link ProcessPool} task threw. The cause is the exception it threw, rebuilt here, when that
 * exception could be serialized in the worker and deserialized here; the message carries the
 * worker's stack trace as text in every case, so nothing of the failure is lost even when the
 * exception holds something that cannot travel. The worker goes on with the next task.
 *
 * <pre>{@code
 * try {
 *     pool.submit(() -> { throw new IllegalStateException("boom"); }).join();
 * } catch (CompletionException e) {
 *     TaskFailedException failed = (TaskFailedException) e.getCause();
 *     failed.getCause();              // the IllegalStateException("boom"), rebuilt here
 *     failed.remoteStackTrace();      // its stack trace in the worker, as text
 * }
 * }</pre>
 */
public class TaskFailedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /** The stack trace as the worker printed it. */
    private final String remoteStackTrace;

    /**
     * Creates the exception of a task that threw in its worker.
     *
     * @param message what happened, the remote stack trace included
     * @param remoteStackTrace the exception's stack trace in the worker, as text
     * @param cause the exception rebuilt here, or null if it could not be
     */
    public TaskFailedException(String message, String remoteStackTrace, Throwable cause) {
        super(message, cause);
        this.remoteStackTrace = remoteStackTrace;
    }

    /**
     * The task's exception as the worker saw it, which survives when the exception itself could not travel.
     *
     * @return its stack trace as the worker printed it ({@link Throwable#printStackTrace()})
     */
    public String remoteStackTrace() {
        return remoteStackTrace;
    }
}
