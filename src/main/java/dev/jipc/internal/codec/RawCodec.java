package dev.jipc.internal.codec;

import dev.jipc.Codec;
import dev.jipc.CodecException;

/** {@link Codec#raw()}: the payload is the message. */
public enum RawCodec implements Codec<byte[]> {
    INSTANCE;

    @Override
    public byte[] encode(byte[] value) {
        if (value == null) {
            throw new CodecException("Codec.raw() cannot encode null: send an empty byte[] instead");
        }
        return value;
    }

    @Override
    public byte[] decode(byte[] bytes) {
        return bytes;
    }

    @Override
    public String toString() {
        return "Codec.raw()";
    }
}
