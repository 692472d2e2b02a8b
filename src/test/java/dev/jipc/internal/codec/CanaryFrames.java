package dev.jipc.internal.codec;

import dev.jipc.Codec;
import java.util.Set;
import java.util.function.Function;

/**
 * Fory frames that name {@link Canary}, encoded from a copy of it defined by an isolated loader,
 * so that this loader's Canary stays unloaded and uninitialized.
 */
final class CanaryFrames {

    private CanaryFrames() {
    }

    /**
     * @param wrap puts the canary into the message to encode (e.g. {@code c -> List.of(c)})
     * @return the frame, as {@code Codec.foryTrusted()} on the other side would have sent it
     */
    static byte[] encode(Function<Object, Object> wrap) {
        try {
            ClassLoader isolated = new ForyCodecTest.ChildFirstLoader(
                    CanaryFrames.class.getClassLoader(), Set.of(Canary.NAME, CanaryWitness.NAME));
            Class<?> canary = Class.forName(Canary.NAME, true, isolated);
            var constructor = canary.getDeclaredConstructor(int.class);
            constructor.setAccessible(true);
            // An allow list naming Canary: its pool is used for nothing but encoding the isolated copy.
            return Codec.fory(canary).encode(wrap.apply(constructor.newInstance(7)));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
