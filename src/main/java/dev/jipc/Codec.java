package dev.jipc;

import dev.jipc.internal.codec.ForyCodec;
import dev.jipc.internal.codec.FunctionCodec;
import dev.jipc.internal.codec.RawCodec;

/**
 * Turns messages into frame payloads and back. A codec travels with its handle to a child
 * process, so it must be serializable.
 *
 * <pre>{@code
 * Pipe<Point> typed  = Jipc.pipe(Codec.fory(Point.class));      // JDK value types + Point
 * Pipe<Object> any   = Jipc.pipe(Codec.foryTrusted());          // anything: trusted peers only
 * Pipe<byte[]> bytes = Jipc.pipe(Codec.raw());                  // no serialization at all
 * Pipe<String> text  = Jipc.pipe(Codec.of(
 *         s -> s.getBytes(StandardCharsets.UTF_8),
 *         b -> new String(b, StandardCharsets.UTF_8)));
 * }</pre>
 *
 * @param <T> the message type
 */
public interface Codec<T> extends java.io.Serializable {

    /**
     * Encodes a message into the payload of one frame.
     *
     * @param value the message
     * @return its payload
     * @throws CodecException if the value cannot be encoded
     */
    byte[] encode(T value);

    /**
     * Decodes the payload of one frame.
     *
     * @param bytes a payload produced by {@link #encode} (possibly in another process)
     * @return the message
     * @throws CodecException if the payload cannot be decoded
     */
    T decode(byte[] bytes);

    /**
     * Apache Fory in its Java-native mode, restricted to a fixed set of JDK value and collection
     * types (boxed primitives, {@code String}, {@code BigInteger}, {@code BigDecimal},
     * {@code java.time} values, {@code UUID}, {@code Optional}, the {@code java.util} lists, sets,
     * maps, queues and deques and their immutable forms, and arrays of these and of primitives) plus
     * {@code allowedTypes}. Any other class is refused with {@link CodecException} on encode, and on
     * decode before the class is even loaded: no constructor, static initializer or
     * deserialization hook of a refused class runs.
     *
     * @param allowedTypes further classes to allow (exactly these classes, not their subclasses)
     * @param <T> the message type
     * @return a thread-safe codec sharing its wire format with {@link #foryTrusted()}
     */
    static <T> Codec<T> fory(Class<?>... allowedTypes) {
        return ForyCodec.allowing(allowedTypes);
    }

    /**
     * Apache Fory with any class on the class path allowed, like gipc's pickle default.
     * For trusted peers only: a frame can name any class and have it instantiated.
     *
     * @param <T> the message type
     * @return a thread-safe codec sharing its wire format with {@link #fory(Class[])}
     */
    static <T> Codec<T> foryTrusted() {
        return ForyCodec.trusted();
    }

    /**
     * Bytes in, bytes out: the payload is the array itself, not copied on encode.
     *
     * @return the raw codec
     */
    static Codec<byte[]> raw() {
        return RawCodec.INSTANCE;
    }

    /**
     * A codec made of two serializable functions.
     *
     * @param encoder message to bytes
     * @param decoder bytes to message
     * @param <T> the message type
     * @return the codec; exceptions thrown by the functions become {@link CodecException}
     */
    static <T> Codec<T> of(SerializableFunction<? super T, byte[]> encoder,
                           SerializableFunction<byte[], ? extends T> decoder) {
        return new FunctionCodec<>(encoder, decoder);
    }
}
