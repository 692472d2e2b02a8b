package dev.jipc.internal.codec;

import org.apache.fory.config.Config;
import org.apache.fory.context.ReadContext;
import org.apache.fory.context.WriteContext;
import org.apache.fory.serializer.Serializer;

/**
 * Stands in for Fory's own serializer of a JDK class that {@code Codec.fory()} does not allow:
 * Fory never asks the type gate about classes it has built-in serializers for.
 */
final class RefusingSerializer extends Serializer<Object> {
    @SuppressWarnings({"unchecked", "rawtypes"})
    RefusingSerializer(Config config, Class<?> type) {
        super(config, (Class) type);
    }

    @Override
    public void write(WriteContext context, Object value) {
        throw ForyTypeGate.refusal(type.getName());
    }

    @Override
    public Object read(ReadContext context) {
        throw ForyTypeGate.refusal(type.getName());
    }
}
