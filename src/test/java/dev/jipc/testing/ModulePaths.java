package dev.jipc.testing;

import dev.jipc.Jipc;
import java.io.File;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.fory.Fory;

/** Where jipc and its one dependency are, for tests that put them on a module path. */
public final class ModulePaths {

    private ModulePaths() {
    }

    /** @return jipc's classes (with module-info.class) and the Fory jar */
    public static List<Path> jipcAndFory() {
        return List.of(locationOf(Jipc.class), locationOf(Fory.class));
    }

    /** @return {@link #jipcAndFory()} as a {@code --module-path} value */
    public static String jipcAndForyPath() {
        return jipcAndFory().stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    /**
     * Loads jipc as a named module in a layer of its own, as the module path would.
     *
     * @param nativeAccess whether the layer's controller grants it native access
     */
    public static Module jipcInALayer(boolean nativeAccess) {
        ModuleLayer boot = ModuleLayer.boot();
        Configuration config = boot.configuration().resolve(
                ModuleFinder.of(jipcAndFory().toArray(Path[]::new)), ModuleFinder.of(), Set.of("dev.jipc"));
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(
                config, List.of(boot), ClassLoader.getPlatformClassLoader());
        Module jipc = controller.layer().findModule("dev.jipc").orElseThrow();
        if (nativeAccess) {
            controller.enableNativeAccess(jipc);
        }
        return jipc;
    }

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
