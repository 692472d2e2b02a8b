package dev.jipc.internal.frame;

import dev.jipc.ProtocolException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 8 bytes before every payload: its length, then the length XOR a constant. The check word
 * turns garbage or a desynchronized stream into a {@link ProtocolException} instead of a bogus
 * length that would make the reader wait for, or allocate, bytes that will never come.
 */
public final class FrameHeader {
    public static final int SIZE = 8;
    private static final int CHECK = 0x4A495043; // "JIPC"
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FrameHeader() {
    }

    /**
     * Reads a header from a plain stream, for a child JVM's bootstrap, which runs before the FFM
     * machinery is warm.
     *
     * @return the payload length
     */
    public static int read(java.io.DataInputStream in, int maxFrameBytes) throws java.io.IOException {
        int length = Integer.reverseBytes(in.readInt());
        int check = Integer.reverseBytes(in.readInt());
        if ((length ^ CHECK) != check || length < 0 || length > maxFrameBytes) {
            throw new ProtocolException(String.format("corrupt frame header (%08x %08x)", length, check));
        }
        return length;
    }

    /** Writes the header of a {@code length}-byte payload at {@code offset}. */
    public static void write(MemorySegment to, long offset, int length) {
        to.set(INT, offset, length);
        to.set(INT, offset + 4, length ^ CHECK);
    }

    /**
     * @return the payload length announced at {@code offset}
     * @throws ProtocolException if the header is corrupt or announces more than {@code maxFrameBytes}
     */
    public static int read(MemorySegment from, long offset, int maxFrameBytes) {
        int length = from.get(INT, offset);
        int check = from.get(INT, offset + 4);
        if ((length ^ CHECK) != check) {
            throw new ProtocolException(String.format(
                    "corrupt frame header (%08x %08x): the peer is not writing jipc frames, or the stream"
                            + " lost bytes; the reading handle is closed", length, check));
        }
        if (length < 0 || length > maxFrameBytes) {
            throw new ProtocolException("a frame announces " + Integer.toUnsignedString(length)
                    + " bytes, over this reader's maxFrameBytes of " + maxFrameBytes
                    + "; the reading handle is closed");
        }
        return length;
    }
}
