package dev.jipc.internal.child;

import java.nio.ByteBuffer;

/**
 * What a spare and its parent say on the spare's control socket (a {@code SOCK_STREAM}
 * socketpair, the spare's fd 3). The spare writes {@link #READY} once trained; the parent sends one
 * task: a preamble (the task's length and how many fds come with it) and the task, with every fd
 * attached to the first byte in one sendmsg, then closes its end without waiting for an answer
 * (a cold start does not wait for its child either). The spare checks the count and closes the
 * socket before the task runs. End of file, either way, means the other side is gone: a waiting
 * spare, which no longer has a death signal armed, exits on it when the parent dies.
 *
 * <p>Before its task, at any time, the parent may send {@link Rehearsal}s: a preamble whose fd
 * count is {@link #REHEARSAL}, no fds, and the rehearsal's bytes. The spare performs those that
 * came while it trained before it says {@code READY}, and the others as they come.
 */
public final class SpareProtocol {
    /** Spare to parent: booted, linked and trained; waiting for a task. */
    public static final byte READY = 'R';
    /** The task's length, then the number of fds attached: two big-endian ints. */
    public static final int PREAMBLE_BYTES = 8;

    private SpareProtocol() {
    }

    /** In place of a preamble's fd count: a rehearsal follows, not a task. */
    public static final int REHEARSAL = -1;

    /** @return the bytes to send for {@code task} with {@code fds} fds attached */
    public static byte[] message(byte[] task, int fds) {
        return ByteBuffer.allocate(PREAMBLE_BYTES + task.length).putInt(task.length).putInt(fds).put(task).array();
    }

    /** @return the bytes to send for a {@link Rehearsal} */
    public static byte[] rehearsal(byte[] rehearsal) {
        return message(rehearsal, REHEARSAL);
    }
}
