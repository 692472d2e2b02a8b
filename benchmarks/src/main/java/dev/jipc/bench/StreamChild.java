package dev.jipc.bench;

import dev.jipc.Codec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;

/**
 * The Process-stream baseline's child: reads a count n from stdin, writes n frames
 * [int length][payload] to stdout, flushing each one, until it reads a negative n or end of file.
 * Arguments: payload size, then {@code raw} or {@code fory}.
 */
public final class StreamChild {
    private StreamChild() {
    }

    public static void main(String[] args) throws Exception {
        int size = Integer.parseInt(args[0]);
        boolean fory = "fory".equals(args[1]);
        Codec<SmallRecord> codec = Codec.fory(SmallRecord.class);
        byte[] raw = new byte[size];
        SmallRecord record = fory ? SmallRecord.ofEncodedSize(codec, size) : null;
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 65536));
        while (true) {
            int n;
            try {
                n = in.readInt();
            } catch (EOFException e) {
                return;
            }
            if (n < 0) {
                return;
            }
            for (int i = 0; i < n; i++) {
                byte[] payload = fory ? codec.encode(record) : raw;
                out.writeInt(payload.length);
                out.write(payload);
                out.flush();
            }
        }
    }
}
