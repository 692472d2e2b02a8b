package dev.jipc.internal.spawn;

import dev.jipc.SpawnException;
import dev.jipc.internal.posix.ErrnoException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Turns a failed posix_spawn into a SpawnException that says what was wrong. */
final class SpawnFailures {

    private SpawnFailures() {
    }

    static SpawnException of(List<String> argv, String directory, ErrnoException e) {
        String program = argv.get(0);
        if (directory != null && !Files.isDirectory(Path.of(directory))) {
            return new SpawnException("cannot start " + program + ": the working directory " + directory
                    + " does not exist or is not a directory (" + e.errnoName() + ")", e);
        }
        String where = program.contains("/") ? program : program + " (looked up on PATH)";
        String hint = switch (e.errnoName()) {
            case "ENOENT" -> ": no such program";
            case "EACCES" -> ": not executable, or a directory on the way is not searchable";
            case "ENOEXEC" -> ": not an executable format this system runs";
            case "EAGAIN", "ENOMEM" -> ": out of processes or memory";
            default -> "";
        };
        return new SpawnException("cannot start " + where + hint + " - posix_spawn failed: "
                + e.getMessage().replaceFirst("^posix_spawn failed: ", ""), e);
    }
}
