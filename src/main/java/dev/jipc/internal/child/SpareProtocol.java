package dev.jipc.internal.child;

import java.nio.ByteBuffer;

/**
 * What a spare and its parent say on the spare's control socket (a {@code SOCK_STREAM}
 * socketpair, the spare's fd 3). The spare writes {@link #READY} once trained; the parent sends one
 * task: a preamble (the task's length and how many fds come with it) and the task, with every fd
 * attached to the first byte in one sendmsg; the spare checks the count, answers {@link #TAKEN}
 * once it has everything (and no longer dies with the parent if the task is not a daemon's), and
 * closes the socket before the task runs. End of file, either way, means the other side is gone.
 */
public final class SpareProtocol {
    /** Spare to parent: booted, linked and trained; waiting for a task. */
    public static final byte READY = 'R';
    /** Spare to parent: the task and its fds arrived, the death signal is set as the task wants. */
    public static final byte TAKEN = 'T';
    /** The task's length, then the number of fds attached: two big-endian ints. */
    public static final int PREAMBLE_BYTES = 8;

    private SpareProtocol() {
    }

    /** @return the bytes to send for {@code task} with {@code fds} fds attached */
    public static byte[] message(byte[] task, int fds) {
        return ByteBuffer.allocate(PREAMBLE_BYTES + task.length).putInt(task.length).putInt(fds).put(task).array();
    }
}
