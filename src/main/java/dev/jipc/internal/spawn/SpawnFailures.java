package dev.jipc.internal.spawn;

import dev.jipc.IpcException;
import dev.jipc.SpawnException;
import dev.jipc.internal.posix.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Turns a failed start into a SpawnException that says what was wrong: a failed posix_spawn
 * ({@link #of}), or a failure of what the start needs first, such as a pipe when the process is
 * out of descriptors ({@link #before}). Neither chains an internal exception.
 */
final class SpawnFailures {

    private SpawnFailures() {
    }

    static SpawnException of(List<String> argv, String directory, ErrnoException e) {
        String program = argv.get(0);
        if (directory != null && !Files.isDirectory(Path.of(directory))) {
            return e.as(SpawnException::new, "cannot start " + program + ": the working directory " + directory
                    + " does not exist or is not a directory");
        }
        String where = program.contains("/") ? program : program + " (looked up on PATH)";
        String hint = switch (e.errnoName()) {
            case "ENOENT" -> ": no such program";
            case "EACCES" -> ": not executable, or a directory on the way is not searchable";
            case "ENOEXEC" -> ": not an executable format this system runs";
            case "EAGAIN", "ENOMEM" -> ": out of processes or memory";
            default -> "";
        };
        return e.as(SpawnException::new, "cannot start " + where + hint);
    }

    /**
     * For a failure before posix_spawn, such as {@code Posix.pipe()} out of descriptors: the same
     * message after "cannot start PROGRAM", the original as the cause (a public type).
     *
     * <pre>{@code
     * } catch (IpcException e) {
     *     throw SpawnFailures.before(argv, e);
     * }
     * }</pre>
     */
    static SpawnException before(List<String> argv, IpcException e) {
        return new SpawnException("cannot start " + argv.get(0) + ": " + e.getMessage(), e);
    }
}
