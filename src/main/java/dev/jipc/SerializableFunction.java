package dev.jipc;

/**
 * A {@link java.util.function.Function} that can travel to a child JVM with its codec, so that
 * {@code Codec.of(String::getBytes, String::new)}-style codecs can be handed over.
 *
 * @param <A> the argument type
 * @param <B> the result type
 */
@FunctionalInterface
public interface SerializableFunction<A, B> extends java.util.function.Function<A, B>, java.io.Serializable {
}
