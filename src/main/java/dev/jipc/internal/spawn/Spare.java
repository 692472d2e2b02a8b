package dev.jipc.internal.spawn;

import dev.jipc.ChildProcess;
import dev.jipc.Handle;
import dev.jipc.internal.child.SpareProtocol;
import dev.jipc.internal.frame.NonBlockingIo;
import dev.jipc.internal.frame.Readiness;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Sockets;
import dev.jipc.internal.reactor.Reactor;
import java.lang.foreign.MemorySegment;

/**
 * A child JVM booted ahead of its task, as the parent sees it: the child and the parent's end of
 * its control socket (non-blocking). Its states, kept by its {@link SpareSet}:
 *
 * <pre>
 * state    what it is                                  next
 * BOOTING  spawned; booting and training               READY (its READY byte was read), GONE
 * READY    waiting for a task                          TAKEN, GONE
 * TAKEN    taken by one startProcess; an ordinary      -
 *          child once handed its task
 * GONE     reaped (or killed) before it took a task;   -
 *          control socket closed
 * </pre>
 *
 * While BOOTING or READY the control socket is used only under the set's lock; once TAKEN, only
 * by the thread that took it.
 */
final class Spare {
    private static final int[] NO_FDS = {};
    final JavaLauncher.JavaChild child;
    /** The parent's end of the control socket. */
    final int control;
    /** Whether its READY byte was read; guarded by the set's lock. */
    boolean ready;

    Spare(JavaLauncher.JavaChild child, int control) {
        this.child = child;
        this.control = control;
    }

    /**
     * Hands the spare its task: the preamble, the task and every fd in one sendmsg, then the rest
     * of the task if the socket would not take it all (waiting for the spare to read), then closes
     * the control socket: no answer is awaited, as a cold start awaits none (see
     * {@link SpareProtocol}). The handles are closed here as soon as the kernel holds their fds
     * for the child.
     *
     * @return the child, or null if the spare turned out dead before it got anything (the task
     *     and its handles are untouched then)
     */
    ChildProcess handOver(HandleTransfer.Captured task, String name, boolean daemon) {
        byte[] message = SpareProtocol.message(task.bytes(), task.fds().length);
        long sent;
        while ((sent = Sockets.send(control, message, 0, message.length, task.fds())) == -Posix.EAGAIN) {
            Reactor.get().await(control, Posix.POLLOUT).join();
        }
        if (sent < 0) { // EPIPE, ECONNRESET: it died since it said READY
            Posix.close(control);
            return null;
        }
        task.handles().forEach(Handle::close);
        child.rename(name);
        if (!daemon) {
            JavaLauncher.outlivesUs(child);
        }
        try {
            if (sent < message.length) {
                sendRest(message, (int) sent);
            }
        } finally {
            Posix.close(control);
        }
        return child;
    }

    /**
     * The part of a task the socket did not take at once, waiting for the spare to read. Only a
     * task larger than the socket's buffer needs it: the first handover in a JVM does not pay
     * for this code's first run.
     */
    private void sendRest(byte[] message, int offset) {
        try {
            NonBlockingIo io = NonBlockingIo.forStream(control, new ControlReadiness());
            int n = 1;
            while (offset < message.length && n > 0) { // n <= 0: it died while taking; its exit status says why
                n = io.write(message, offset, message.length - offset, false);
                offset += Math.max(0, n);
            }
        } catch (InterruptedException e) {
            throw new AssertionError("an uninterruptible wait ended early", e);
        }
    }

    /** Parks the taker on the reactor; the wait completes before the socket is closed. */
    private final class ControlReadiness implements Readiness {
        @Override
        public boolean await(short events, long deadline, boolean interruptible) {
            Reactor.get().await(control, events).join();
            return true;
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return true; // only the taker uses the socket once the spare is TAKEN
        }
    }

    /**
     * Sends a rehearsal without waiting (see {@link dev.jipc.internal.child.Rehearsal}); the caller
     * holds the set's lock. A full socket skips it, a dead spare's reaping will tell.
     *
     * @return false if the socket took only part of it, which garbles what follows: the spare
     *     must be killed
     */
    boolean rehearse(byte[] message) {
        long sent = Sockets.send(control, message, 0, message.length, NO_FDS);
        return sent < 0 || sent == message.length;
    }

    /**
     * Reads the READY byte without waiting, if it is there; the caller holds the set's lock.
     *
     * @return whether the spare is ready now
     */
    boolean probe(CallState state, MemorySegment word) {
        if (!ready) {
            ready = Posix.read(state, control, word, 1) == 1;
        }
        return ready;
    }
}
