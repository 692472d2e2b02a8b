package dev.jipc.internal.frame;

import dev.jipc.ProtocolException;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The 8 bytes before every payload: its length, then the length XOR a constant, both little-endian.
 * The check word turns garbage or a desynchronized stream into a {@link ProtocolException} instead
 * of a bogus length that would make the reader wait for, or allocate, bytes that will never come.
 */
public final class FrameHeader {
    public static final int SIZE = 8;
    private static final int CHECK = 0x4A495043; // "JIPC"
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FrameHeader() {
    }

    public static void write(MemorySegment to, long offset, int length) {
        to.set(INT, offset, length);
        to.set(INT, offset + 4, length ^ CHECK);
    }

    /**
     * Reads a header from a plain stream, for a child JVM's bootstrap, which runs before the FFM
     * machinery is warm.
     *
     * @return the payload length
     * @throws ProtocolException as {@link #read(MemorySegment, long, int)}
     */
    public static int read(DataInputStream in, int maxFrameBytes) throws IOException {
        int length = Integer.reverseBytes(in.readInt());
        return checked(length, Integer.reverseBytes(in.readInt()), maxFrameBytes);
    }

    /**
     * @return the payload length announced at {@code offset}
     * @throws ProtocolException if the header is corrupt or announces more than {@code maxFrameBytes}
     */
    public static int read(MemorySegment from, long offset, int maxFrameBytes) {
        return checked(from.get(INT, offset), from.get(INT, offset + 4), maxFrameBytes);
    }

    /** The one check of a header, whichever way it was read. */
    private static int checked(int length, int check, int maxFrameBytes) {
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
