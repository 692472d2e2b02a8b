package dev.jipc.internal.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jipc.Codec;
import dev.jipc.CodecException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Fuzzes {@code Codec.fory(...)} decoding: whatever the bytes, decoding returns a value or throws
 * {@link CodecException}, and loads no class outside the allow list.
 *
 * <p>Plain builds run it over the seeds in {@code src/test/resources/.../ForyDecodeFuzzTestInputs}
 * (frames of allowed values, of {@link Canary}, of JDK classes the list refuses); see the README
 * for a fuzzing run. Every class Fory loads goes through {@link #LOADER}, which Fory takes as its
 * own when the pool is built and which is the decoding thread's context loader; the codec's allow
 * list is this test's alone, so its pool is built here.
 */
class ForyDecodeFuzzTest {

    /** The one user type the fuzzed codec allows: a record of allowed types. */
    record Allowed(String name, int number, List<String> tags, Map<String, Long> counts) { }

    /** Records every class name asked of it, then delegates. */
    static final class RecordingLoader extends ClassLoader {
        final Set<String> asked = ConcurrentHashMap.newKeySet();

        RecordingLoader(ClassLoader parent) {
            super("recording", parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            asked.add(name);
            return super.loadClass(name, resolve);
        }
    }

    private static final RecordingLoader LOADER = new RecordingLoader(ForyDecodeFuzzTest.class.getClassLoader());
    private static final Codec<Object> CODEC = withContextLoader(() -> {
        Codec<Object> codec = Codec.fory(Allowed.class);
        Allowed allowed = new Allowed("a", 1, List.of("t"), Map.of("c", 2L));
        assertEquals(allowed, codec.decode(codec.encode(allowed))); // Fory's own set-up loads are done
        return codec;
    });
    private static final ForyTypeGate GATE = ForyTypeGate.allowing(List.of(Allowed.class.getName()));

    @FuzzTest(maxDuration = "5m")
    void decodeThrowsOnlyCodecExceptionAndLoadsNoUnlistedClass(byte[] frame) {
        LOADER.asked.clear();
        withContextLoader(() -> {
            try {
                CODEC.decode(frame);
            } catch (CodecException refused) {
                // the one failure allowed
            }
            return null;
        });
        for (String name : LOADER.asked) {
            if (!GATE.allows(name) && !name.startsWith("org.apache.fory.")) {
                throw new AssertionError("decoding loaded " + name + ", which Codec.fory(Allowed.class) refuses");
            }
        }
        if (CanaryWitness.initializations.get() != 0) {
            throw new AssertionError("decoding initialized " + Canary.NAME);
        }
    }

    private static <T> T withContextLoader(java.util.function.Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader saved = thread.getContextClassLoader();
        thread.setContextClassLoader(LOADER);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(saved);
        }
    }
}
