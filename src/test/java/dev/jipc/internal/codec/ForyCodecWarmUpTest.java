package dev.jipc.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.Codec;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ForyCodec#warmUp()}: what a pre-started child runs so that its first message is fast. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForyCodecWarmUpTest {

    /** Allowed, concrete, but not trained: see {@link JdkValueTypes#samples()}. */
    private static final Set<String> UNTRAINED = Set.of(
            "java.lang.Object", "java.lang.Void", "java.util.JumboEnumSet", // no cheap instance
            "java.util.Hashtable", "java.util.concurrent.ConcurrentLinkedQueue", // Fory warns on stdout
            "java.util.concurrent.ConcurrentLinkedDeque", "java.util.concurrent.LinkedBlockingDeque");

    @Test
    void warmUpTrainsEveryConcreteClassTheDefaultAllowListNames() throws Exception {
        Set<Class<?>> trained = new HashSet<>();
        for (Object sample : JdkValueTypes.samples()) {
            trained.add(sample.getClass());
        }
        Set<String> missing = new TreeSet<>();
        for (String name : JdkValueTypes.exactNames()) {
            if (name.indexOf('.') < 0 || UNTRAINED.contains(name)) {
                continue; // a primitive
            }
            Class<?> type = Class.forName(name, false, ClassLoader.getSystemClassLoader());
            if (!type.isInterface() && !Modifier.isAbstract(type.getModifiers()) && !trained.contains(type)) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "allowed classes JdkValueTypes.samples() has no value of");
    }

    @Test
    void everyTrainingValueRoundTripsThroughBothForyFlavours() {
        for (Codec<Object> codec : List.<Codec<Object>>of(Codec.fory(), Codec.foryTrusted())) {
            for (Object sample : JdkValueTypes.samples()) {
                Object back = codec.decode(codec.encode(sample));
                assertEquals(sample.getClass(), back.getClass(), codec + " on " + sample);
                assertTrue(Objects.deepEquals(sample, back) || sample.toString().equals(back.toString()),
                        () -> codec + " turned " + sample + " into " + back);
            }
        }
    }

    /**
     * Fory logs to System.out, a child's user's stdout, once per JVM and cause: training must not
     * print there, so it runs in a JVM of its own, which no other test has warned yet.
     */
    @Test
    void warmUpInAFreshJvmPrintsNothing() throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc-unsafe-memory-access")) {
                command.add(arg);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WarmUpMain.class.getName()));
        Process java = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        java.getOutputStream().close();
        String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "the JVM did not exit");
        assertEquals(0, java.exitValue(), "the JVM failed; its stderr is above");
        assertEquals("", out, "warmUp() printed to stdout");
    }

    /** Trains a fresh JVM. */
    static final class WarmUpMain {
        public static void main(String[] args) {
            ForyCodec.warmUp();
        }
    }
}
