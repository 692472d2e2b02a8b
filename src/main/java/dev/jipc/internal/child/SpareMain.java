package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.IpcException;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.OnePoll;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import dev.jipc.internal.posix.Sockets;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A spare's life before its task (see {@link SpareProtocol}): train, perform the rehearsals that
 * came meanwhile, say {@link SpareProtocol#READY}, wait for the task and its fds (performing the
 * rehearsals that come first), close the control socket. It runs no user code and holds no fd of
 * its parent's but the control socket until the task arrives.
 *
 * <p>It dies with its parent while it trains (the death signal), and while it waits (end of file
 * on the control socket: the signal is disarmed before {@code READY}). So the parent hands a task
 * over and returns at once: the task's own daemon flag takes effect in the spare, and a
 * non-daemon task survives a parent that exits, even by SIGKILL, right after handing it over.
 */
final class SpareMain {
    private SpareMain() {
    }

    static ChildTask awaitTask(boolean daemon, int parentPid) throws Throwable {
        Posix.setBlocking(ChildMain.TASK_FD); // the parent's end stays non-blocking; ours waits
        Training.run();
        Processes.keepRunningWhenParentDies(); // from now on the control socket's end of file says it
        if (Processes.getppid() != parentPid) { // it died while training, and the signal is on its way
            Runtime.getRuntime().halt(0);
        }
        while (OnePoll.poll(ChildMain.TASK_FD, Posix.POLLIN, 0) > 0) { // what came while it trained, so that READY means rehearsed
            Message m = receive();
            if (m.fds() != null) {
                throw new IpcException("the parent sent a task before the spare was ready");
            }
            Rehearsal.perform(m.bytes());
        }
        say(SpareProtocol.READY);
        Message m;
        while ((m = receive()).fds() == null) {
            Rehearsal.perform(m.bytes());
        }
        byte[] task = m.bytes();
        int[] fds = m.fds();
        if (daemon) {
            ChildMain.dieWithParent(parentPid); // as a cold daemon child does; a non-daemon one outlives it
        }
        Posix.close(ChildMain.TASK_FD);
        return (ChildTask) HandleTransfer.restore(task, fds);
    }

    /** A task and its fds, or a rehearsal (no fds: null). */
    private record Message(byte[] bytes, int[] fds) {
    }

    /** Waits for the next message; halts at end of file. */
    private static Message receive() {
        byte[] preamble = new byte[SpareProtocol.PREAMBLE_BYTES];
        Sockets.Received first = Sockets.receive(ChildMain.TASK_FD, preamble, 0, preamble.length, Sockets.MAX_FDS);
        if (first.bytes() == 0) {
            Runtime.getRuntime().halt(0); // the parent closed us without a task, or died
        }
        readFully(preamble, first.bytes(), preamble.length - first.bytes());
        ByteBuffer header = ByteBuffer.wrap(preamble);
        int length = header.getInt();
        int fdCount = header.getInt();
        int[] fds = first.fds();
        boolean rehearsal = fdCount == SpareProtocol.REHEARSAL;
        if ((rehearsal ? fds.length != 0 : fds.length != fdCount) || length < 0) {
            throw new IpcException("the parent announced " + fdCount + " fds and a message of " + length
                    + " bytes, and " + fds.length + " fds arrived");
        }
        byte[] bytes = new byte[length];
        readFully(bytes, 0, length);
        return new Message(bytes, rehearsal ? null : fds);
    }

    private static void say(byte word) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            MemorySegment one = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, word);
            long n;
            do {
                n = Posix.write(state, ChildMain.TASK_FD, one, 1);
            } while (n == -Posix.EINTR);
            if (n != 1) {
                Runtime.getRuntime().halt(0); // the parent is gone
            }
        }
    }

    /** Reads exactly {@code count} more bytes (no fds may come with them). */
    private static void readFully(byte[] to, int offset, int count) {
        while (count > 0) {
            int n = Sockets.receive(ChildMain.TASK_FD, to, offset, Math.min(count, 1 << 20), 0).bytes();
            if (n == 0) {
                Runtime.getRuntime().halt(0); // the parent died while sending
            }
            offset += n;
            count -= n;
        }
    }
}
