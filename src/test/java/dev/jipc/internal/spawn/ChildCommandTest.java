package dev.jipc.internal.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.testing.ModulePaths;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The child JVM's command line, for a parent on the class path and on the module path. */
class ChildCommandTest {
    /** jipc as the class path loads it. */
    private static final Module UNNAMED = ChildCommandTest.class.getClassLoader().getUnnamedModule();

    @Test
    void childOfANamedJipcRunsChildMainFromTheModule() {
        assertEquals(List.of("-m", "dev.jipc/dev.jipc.internal.child.ChildMain"),
                ChildCommand.mainClass(ModulePaths.jipcInALayer(false)));
        assertEquals(List.of("dev.jipc.internal.child.ChildMain"), ChildCommand.mainClass(UNNAMED));
    }

    @Test
    void parentsMainModuleIsResolvedInTheChildSoItsLambdasLoad() {
        List<String> flags = ChildCommand.inheritedFlags(ModulePaths.jipcInALayer(false), "", "/mods", "app",
                List.of("--module-path=/mods", "--enable-native-access=dev.jipc", "-Djdk.module.main=app"));
        assertEquals(List.of("--module-path", "/mods", "--enable-native-access=dev.jipc", "--add-modules=app"), flags);
    }

    @Test
    void parentsModuleSystemFlagsReachTheChildAndOthersDoNot() {
        List<String> module = List.of("--add-modules=java.sql", "--add-opens=java.base/java.lang.invoke=org.apache.fory.core",
                "--add-exports=java.base/jdk.internal.misc=app", "--add-reads=app=ALL-UNNAMED",
                "--patch-module=app=/patch", "--limit-modules=java.se,app", "--upgrade-module-path=/up",
                "--sun-misc-unsafe-memory-access=allow", "--illegal-native-access=deny", "--enable-preview");
        List<String> others = List.of("-Xmx1g", "-Dapp.setting=1", "-agentlib:jdwp=transport=dt_socket");
        List<String> arguments = new java.util.ArrayList<>(others);
        arguments.addAll(module);
        List<String> flags = ChildCommand.inheritedFlags(UNNAMED, "/cp", null, null, arguments);
        assertEquals("-cp", flags.get(0));
        assertEquals("/cp", flags.get(1));
        assertEquals(module, flags.subList(2, 2 + module.size()));
        others.forEach(flag -> assertFalse(flags.contains(flag), flag));
    }

    @Test
    void classPathMainWithJipcOnTheModulePathGivesTheChildTheDefaultRoots() {
        List<String> flags = ChildCommand.inheritedFlags(ModulePaths.jipcInALayer(false), "/cp", "/mods", null,
                List.of("--add-modules=dev.jipc", "--enable-native-access=dev.jipc"));
        assertEquals(List.of("-cp", "/cp", "--module-path", "/mods", "--add-modules=dev.jipc",
                "--enable-native-access=dev.jipc", "--add-modules=ALL-DEFAULT"), flags);
    }

    @Test
    void classPathParentAddsNoModuleRootsAndKeepsTheDefaultBootLayer() {
        List<String> flags = ChildCommand.inheritedFlags(UNNAMED, "/cp", "", null,
                List.of("--enable-native-access=ALL-UNNAMED"));
        assertEquals(List.of("-cp", "/cp", "--enable-native-access=ALL-UNNAMED"), flags);
    }

    @Test
    void nativeAccessGrantedWithoutAFlagIsSpelledOutForTheChild() {
        assertTrue(UNNAMED.isNativeAccessEnabled(), "the tests run with --enable-native-access=ALL-UNNAMED");
        assertEquals(List.of("--enable-native-access=ALL-UNNAMED"),
                ChildCommand.inheritedFlags(UNNAMED, null, null, null, List.of()));
        assertEquals(List.of("--enable-native-access=dev.jipc", "--add-modules=ALL-DEFAULT"),
                ChildCommand.inheritedFlags(ModulePaths.jipcInALayer(true), null, null, null, List.of()));
        assertEquals(List.of("--add-modules=ALL-DEFAULT"),
                ChildCommand.inheritedFlags(ModulePaths.jipcInALayer(false), null, null, null, List.of()));
    }
}
