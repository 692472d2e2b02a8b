package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Jipc.startProcess} under {@code -Djipc.warmChildren=N}: N spares for each set of options
 * it is called with (the name aside); the first call with a new set starts cold and boots them.
 */
public final class DefaultSpares {
    /** The property that turns warm starts on for {@code Jipc.startProcess}. */
    public static final String PROPERTY = "jipc.warmChildren";
    private static final int SPARES = spares();
    /** One set per options, name cleared; kept for the JVM's life, as its spares are. */
    private static final Map<ChildOptions, SpareSet> SETS = new ConcurrentHashMap<>();

    private DefaultSpares() {
    }

    public static ChildProcess start(ChildTask task, ChildOptions options) {
        if (SPARES == 0) {
            return JavaLauncher.start(task, options);
        }
        ChildOptions key = options.withName(null);
        SpareSet set = SETS.get(key);
        if (set == null) {
            SETS.computeIfAbsent(key, k -> SpareSet.create(SPARES, k));
            return JavaLauncher.start(task, options);
        }
        return set.startProcess(task, options.name(), true);
    }

    private static int spares() {
        String value = System.getProperty(PROPERTY, "0");
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        System.getLogger("dev.jipc").log(System.Logger.Level.WARNING,
                "jipc: -D" + PROPERTY + "=" + value + " is not a number of spares >= 0; warm starts stay off");
        return 0;
    }
}
