package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.internal.child.ChildMain;
import dev.jipc.internal.posix.Processes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM: this JVM's java and the flags a child takes from it.
 *
 * <p>On the module path the child runs {@code -m dev.jipc/...ChildMain} with the parent's module
 * path and module flags, and resolves the parent's main module too, so that the task's class (a
 * lambda's capturing class, say) loads there: Java serialization finds classes only in modules
 * that the child's boot layer resolved.
 */
final class ChildCommand {
    /** Parent JVM flags the child repeats: native access, Unsafe, preview, and the module system's. */
    private static final List<String> INHERITED_PREFIXES = List.of(
            "--enable-native-access", "--illegal-native-access", "--sun-misc-unsafe-memory-access",
            "--enable-preview", "--add-modules=", "--add-opens=", "--add-exports=", "--add-reads=",
            "--patch-module=", "--limit-modules=", "--upgrade-module-path=");

    private ChildCommand() {
    }

    /**
     * The parent's java, class path, module path and native-access settings, then the options (module and native-access flags included),
     * then ChildMain's arguments.
     *
     * @param task where the child's task comes from: {@link ChildMain#coldArgument}, {@link ChildMain#SPARE} or {@link ChildMain#WORKER}
     */
    static List<String> of(ChildOptions options, String task) {
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(InheritedJvmFlags.get());
        argv.add("-Xrs"); // SIGTERM keeps its default action: terminate() ends the child at once, no hooks
        argv.addAll(options.jvmOptions());
        argv.addAll(mainClass(ChildCommand.class.getModule()));
        argv.add(Integer.toString(Processes.getpid()));
        argv.add(options.daemon() ? "daemon" : "non-daemon");
        argv.add(task);
        return argv;
    }

    /** {@code -m dev.jipc/...ChildMain} when jipc is a named module, else the class on the class path. */
    static List<String> mainClass(Module jipc) {
        return jipc.isNamed()
                ? List.of("-m", jipc.getName() + "/" + ChildMain.class.getName())
                : List.of(ChildMain.class.getName());
    }

    /**
     * The flags a parent with these settings hands its children. {@code jvmArguments} are the
     * parent's own, as the RuntimeMXBean gives them ({@code --flag=value}); {@code mainModule}
     * is the parent's main module ({@code jdk.module.main}), null when its main class came from
     * the class path.
     */
    static List<String> inheritedFlags(Module jipc, String classPath, String modulePath, String mainModule,
                                       List<String> jvmArguments) {
        List<String> flags = new ArrayList<>();
        if (classPath != null && !classPath.isEmpty()) {
            flags.add("-cp");
            flags.add(classPath);
        }
        if (modulePath != null && !modulePath.isEmpty()) {
            flags.add("--module-path");
            flags.add(modulePath);
        }
        boolean nativeAccess = false;
        for (String arg : jvmArguments) {
            if (INHERITED_PREFIXES.stream().anyMatch(arg::startsWith)) {
                flags.add(arg);
                nativeAccess |= arg.startsWith("--enable-native-access");
            }
        }
        if (!nativeAccess && jipc.isNativeAccessEnabled()) {
            // Granted by an executable jar's manifest (or a layer's controller): say it explicitly.
            flags.add("--enable-native-access=" + (jipc.isNamed() ? jipc.getName() : "ALL-UNNAMED"));
        }
        if (mainModule != null && !mainModule.equals(jipc.getName())) {
            flags.add("--add-modules=" + mainModule); // a root of the parent's boot layer, not of the child's
        } else if (mainModule == null && jipc.isNamed()) {
            // The parent's main class is on the class path, so its roots were the default set; the
            // child's main is in dev.jipc, whose roots would be dev.jipc alone.
            flags.add("--add-modules=ALL-DEFAULT");
        }
        return List.copyOf(flags);
    }

    /** The flags this JVM hands its children; computed once. */
    private static final class InheritedJvmFlags {
        private static final List<String> FLAGS = inheritedFlags(ChildCommand.class.getModule(),
                System.getProperty("java.class.path"), System.getProperty("jdk.module.path"),
                System.getProperty("jdk.module.main"), ManagementFactory.getRuntimeMXBean().getInputArguments());

        static List<String> get() {
            return FLAGS;
        }
    }
}
