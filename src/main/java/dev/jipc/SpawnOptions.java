package dev.jipc;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How {@link Jipc#spawn(SpawnOptions, String...)} starts a native child.
 *
 * <pre>{@code
 * SpawnOptions opts = SpawnOptions.defaults()
 *         .withDirectory(Path.of("/tmp"))
 *         .withStderr(SpawnOptions.Redirect.PIPE);
 * }</pre>
 *
 * @param directory the working directory, or null for this process's
 * @param environment the child's whole environment, or null to inherit this process's
 * @param stdin what the child's standard input is
 * @param stdout what the child's standard output is
 * @param stderr what the child's standard error is
 */
public record SpawnOptions(Path directory, Map<String, String> environment,
                           Redirect stdin, Redirect stdout, Redirect stderr) {

    /** What a standard stream of the child is connected to. */
    public enum Redirect {
        /** A pipe to this process: {@link Subprocess#stdin()} and friends. */
        PIPE,
        /** The same file as this process's stream. */
        INHERIT,
        /** /dev/null. */
        DISCARD
    }

    /** Checks the redirects and copies the environment. */
    public SpawnOptions {
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** {@return null directory, null environment, stdin PIPE, stdout PIPE, stderr INHERIT} */
    public static SpawnOptions defaults() {
        return new SpawnOptions(null, null, Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
    }

    /**
     * {@return a copy with this working directory}
     *
     * @param directory the working directory, or null
     */
    public SpawnOptions withDirectory(Path directory) {
        return new SpawnOptions(directory, environment, stdin, stdout, stderr);
    }

    /**
     * {@return a copy with this environment}
     *
     * @param environment the whole environment, or null to inherit
     */
    public SpawnOptions withEnvironment(Map<String, String> environment) {
        return new SpawnOptions(directory, environment, stdin, stdout, stderr);
    }

    /**
     * {@return a copy with this stdin redirect}
     *
     * @param redirect what stdin is
     */
    public SpawnOptions withStdin(Redirect redirect) {
        return new SpawnOptions(directory, environment, redirect, stdout, stderr);
    }

    /**
     * {@return a copy with this stdout redirect}
     *
     * @param redirect what stdout is
     */
    public SpawnOptions withStdout(Redirect redirect) {
        return new SpawnOptions(directory, environment, stdin, redirect, stderr);
    }

    /**
     * {@return a copy with this stderr redirect}
     *
     * @param redirect what stderr is
     */
    public SpawnOptions withStderr(Redirect redirect) {
        return new SpawnOptions(directory, environment, stdin, stdout, redirect);
    }
}
