package dev.jipc;

import java.util.List;
import java.util.Map;

/**
 * How {@link Jipc#startProcess} starts a child JVM.
 *
 * <pre>{@code
 * ChildOptions opts = ChildOptions.defaults().withName("worker-1").withDaemon(true)
 *         .withJvmOptions("-Xmx256m");
 * }</pre>
 *
 * @param name the child's name, or null for {@code Process-N}
 * @param daemon whether the child is killed when this JVM exits (even by SIGKILL)
 * @param jvmOptions extra options for the child's {@code java} command
 * @param environment the child's whole environment, or null to inherit this process's
 */
public record ChildOptions(String name, boolean daemon, List<String> jvmOptions, Map<String, String> environment) {

    /** Copies the collections, so that later changes to the caller's do not leak in. */
    public ChildOptions {
        jvmOptions = jvmOptions == null ? List.of() : List.copyOf(jvmOptions);
        environment = environment == null ? null : Map.copyOf(environment);
    }

    /** {@return name null, not daemon, no extra JVM options, inherited environment} */
    public static ChildOptions defaults() {
        return new ChildOptions(null, false, List.of(), null);
    }

    /**
     * {@return a copy with this name}
     *
     * @param name the name, or null for {@code Process-N}
     */
    public ChildOptions withName(String name) {
        return new ChildOptions(name, daemon, jvmOptions, environment);
    }

    /**
     * {@return a copy with this daemon flag}
     *
     * @param daemon whether the child dies with this JVM
     */
    public ChildOptions withDaemon(boolean daemon) {
        return new ChildOptions(name, daemon, jvmOptions, environment);
    }

    /**
     * {@return a copy with these extra JVM options}
     *
     * @param options the extra JVM options, replacing any given before
     */
    public ChildOptions withJvmOptions(String... options) {
        return new ChildOptions(name, daemon, List.of(options), environment);
    }

    /**
     * {@return a copy with this environment}
     *
     * @param environment the whole environment, or null to inherit
     */
    public ChildOptions withEnvironment(Map<String, String> environment) {
        return new ChildOptions(name, daemon, jvmOptions, environment);
    }
}
