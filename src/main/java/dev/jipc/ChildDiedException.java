package dev.jipc;

import java.util.Objects;

/**
 * A {@link ProcessPool} worker died while it ran the task: it crashed, was killed by a signal, or
 * the task called {@code System.exit}. Only that task's future fails with this; the pool starts
 * a replacement worker and goes on with the other tasks.
 *
 * <pre>{@code
 * try {
 *     pool.submit(() -> { System.exit(3); return null; }).join();
 * } catch (CompletionException e) {
 *     if (e.getCause() instanceof ChildDiedException died) {
 *         System.out.println(died.exitStatus());           // Exited[code=3]
 *     }
 * }
 * }</pre>
 */
public class ChildDiedException extends IpcException {
    private static final long serialVersionUID = 1L;

    /** How the worker ended. */
    private final ExitStatus exitStatus;

    /**
     * Creates the exception of a task whose worker died while running it.
     *
     * @param message what happened
     * @param exitStatus how the worker ended
     */
    public ChildDiedException(String message, ExitStatus exitStatus) {
        super(message);
        this.exitStatus = Objects.requireNonNull(exitStatus, "exitStatus");
    }

    /**
     * How the worker that ran the task ended.
     *
     * @return {@code Exited(code)} or {@code Signaled(signal, coreDumped)}
     */
    public ExitStatus exitStatus() {
        return exitStatus;
    }
}
