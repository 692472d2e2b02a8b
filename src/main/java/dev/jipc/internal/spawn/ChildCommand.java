package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.internal.child.ChildMain;
import dev.jipc.internal.posix.Processes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line of a child JVM: this JVM's java and the flags a child takes from it. */
final class ChildCommand {
    private ChildCommand() {
    }

    /**
     * The parent's java, class path, module path and native-access settings, then the options,
     * then ChildMain's arguments.
     *
     * @param task where the child's task comes from: the number of fds handed with it, or {@link ChildMain#SPARE}
     */
    static List<String> of(ChildOptions options, String task) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(InheritedJvmFlags.get());
        argv.add("-Xrs"); // SIGTERM keeps its default action: terminate() ends the child at once, no hooks
        argv.addAll(options.jvmOptions());
        argv.add(ChildMain.class.getName());
        argv.add(Integer.toString(Processes.getpid()));
        argv.add(options.daemon() ? "daemon" : "non-daemon");
        argv.add(task);
        return argv;
    }

    /** The flags a child JVM takes from its parent; computed once. */
    private static final class InheritedJvmFlags {
        private static final List<String> FLAGS = compute();

        static List<String> get() {
            return FLAGS;
        }

        private static List<String> compute() {
            List<String> flags = new ArrayList<>();
            String classPath = System.getProperty("java.class.path");
            if (classPath != null && !classPath.isEmpty()) {
                flags.add("-cp");
                flags.add(classPath);
            }
            String modulePath = System.getProperty("jdk.module.path");
            if (modulePath != null && !modulePath.isEmpty()) {
                flags.add("--module-path");
                flags.add(modulePath);
            }
            boolean nativeAccess = false;
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("--enable-native-access") || arg.startsWith("--illegal-native-access")
                        || arg.startsWith("--sun-misc-unsafe-memory-access") || arg.equals("--enable-preview")) {
                    flags.add(arg);
                    nativeAccess |= arg.startsWith("--enable-native-access");
                }
            }
            if (!nativeAccess && ChildCommand.class.getModule().isNativeAccessEnabled()) {
                flags.add("--enable-native-access=ALL-UNNAMED"); // granted by a manifest: say it explicitly
            }
            return List.copyOf(flags);
        }
    }
}
