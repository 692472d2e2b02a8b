package dev.jipc;

/**
 * How a child ended: {@link Exited} with a status code, or {@link Signaled} by a signal.
 *
 * <pre>{@code
 * switch (child.onExit().join()) {
 *     case ExitStatus.Exited(int code) -> System.out.println("exited " + code);
 *     case ExitStatus.Signaled(int signal, boolean core) -> System.out.println("killed by " + signal);
 * }
 * }</pre>
 */
public sealed interface ExitStatus {

    /** {@return the exit code, or minus the signal number (multiprocessing's convention)} */
    int exitCode();

    /**
     * The child called exit (or returned from main) with {@code code}.
     *
     * @param code the exit status, 0 to 255
     */
    record Exited(int code) implements ExitStatus {
        @Override
        public int exitCode() {
            return code;
        }
    }

    /**
     * The child was ended by a signal.
     *
     * @param signal the signal number, such as 9 for SIGKILL
     * @param coreDumped whether it dumped core
     */
    record Signaled(int signal, boolean coreDumped) implements ExitStatus {
        @Override
        public int exitCode() {
            return -signal;
        }
    }
}
