package dev.jipc.internal.codec;

import dev.jipc.Codec;
import dev.jipc.CodecException;
import dev.jipc.SerializableFunction;
import java.util.Objects;

/** {@link Codec#of}: a pair of user functions; whatever they throw becomes a {@link CodecException}. */
public record FunctionCodec<T>(SerializableFunction<? super T, byte[]> encoder,
                               SerializableFunction<byte[], ? extends T> decoder) implements Codec<T> {

    public FunctionCodec {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
    }

    @Override
    public byte[] encode(T value) {
        byte[] bytes;
        try {
            bytes = encoder.apply(value);
        } catch (CodecException e) {
            throw e;
        } catch (Exception e) { // also a checked exception thrown sneakily
            throw new CodecException("the codec's encoder failed on " + describe(value) + ": " + e, e);
        }
        if (bytes == null) {
            throw new CodecException("the codec's encoder returned null for " + describe(value));
        }
        return bytes;
    }

    @Override
    public T decode(byte[] bytes) {
        try {
            return decoder.apply(bytes);
        } catch (CodecException e) {
            throw e;
        } catch (Exception e) { // also a checked exception thrown sneakily
            throw new CodecException("the codec's decoder failed on a " + bytes.length + "-byte frame: " + e, e);
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : "a " + value.getClass().getName();
    }
}
