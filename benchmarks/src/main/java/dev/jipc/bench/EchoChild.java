package dev.jipc.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;

/**
 * The ping-pong baseline's child: echoes frames [int length][payload] from stdin to stdout,
 * flushing each, until a negative length or end of file.
 */
public final class EchoChild {
    private EchoChild() {
    }

    public static void main(String[] args) throws Exception {
        DataInputStream in = new DataInputStream(new BufferedInputStream(System.in));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(System.out, 65536));
        while (true) {
            int len;
            try {
                len = in.readInt();
            } catch (EOFException e) {
                return;
            }
            if (len < 0) {
                return;
            }
            byte[] payload = new byte[len];
            in.readFully(payload);
            out.writeInt(len);
            out.write(payload);
            out.flush();
        }
    }
}
