package dev.jipc.bench;

import dev.jipc.Codec;

/**
 * The record of the stream workload's Fory variant: a few int/long/String fields, the String
 * padded so that the record's encoded size is the payload size being measured.
 */
public record SmallRecord(int id, long nanos, int kind, String text) {

    /** A record whose {@code codec} encoding is {@code bytes} long (or as close as Fory's string format allows). */
    public static SmallRecord ofEncodedSize(Codec<SmallRecord> codec, int bytes) {
        int overhead = codec.encode(new SmallRecord(1, 2L, 3, "")).length;
        int len = Math.max(0, bytes - overhead);
        SmallRecord r = new SmallRecord(1, 2L, 3, "x".repeat(len));
        // Fory may spend an extra byte or two on a longer string's header: trim to fit.
        while (len > 0 && codec.encode(r).length > bytes) {
            len--;
            r = new SmallRecord(1, 2L, 3, "x".repeat(len));
        }
        return r;
    }
}
