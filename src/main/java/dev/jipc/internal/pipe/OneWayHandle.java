package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.Handle;
import dev.jipc.PipeOptions;
import dev.jipc.internal.jfr.Jfr;
import java.io.ObjectStreamException;
import java.io.Serial;

/**
 * A handle on one end of one OS pipe: the reading end ({@link ReaderHandle}) or the writing end
 * ({@link WriterHandle}); a {@link DuplexEnd} joins one of each. What the two share: the fd
 * ({@link GuardedFd}), the async lane, codec and options.
 */
public abstract sealed class OneWayHandle<T> implements Handle permits ReaderHandle, WriterHandle {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The fd and its lock; never serialized (handles travel as refs, see HandleTransfer). */
    final transient GuardedFd fd;
    /** Runs this end's async operations in order. */
    final transient AsyncLane lane = new AsyncLane();
    final Codec<T> codec;
    final PipeOptions options;

    OneWayHandle(int fd, Codec<T> codec, PipeOptions options) {
        this.fd = new GuardedFd(fd);
        this.codec = codec;
        this.options = options;
    }

    /**
     * Closes {@code ends} as one: all are marked closed before any fd is, so that an operation
     * on one of them fails with HandleClosedException, never with the PeerClosedException that
     * closing another (its peer) would cause. Pipe.close and DuplexPipe.close use it.
     */
    public static void closeTogether(OneWayHandle<?>... ends) {
        for (OneWayHandle<?> end : ends) {
            end.fd.shut();
        }
        RuntimeException failure = null;
        for (OneWayHandle<?> end : ends) {
            try {
                end.fd.close();
            } catch (RuntimeException e) { // close the others all the same
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** @return the fd, for handing this end to a child */
    public int fd() {
        return fd.number;
    }

    public Codec<T> codec() {
        return codec;
    }

    public PipeOptions options() {
        return options;
    }

    /** @return whether an operation is running or waiting, or async operations are pending */
    public boolean isBusy() {
        return fd.isBusy() || lane.isBusy();
    }

    @Override
    public boolean isClosed() {
        return fd.isClosed();
    }

    @Override
    public void close() {
        fd.close();
    }

    /**
     * Ends an operation that moved {@code bytes} (0: none): if it parked longer than a JFR
     * recording's threshold, commits its wait event. Under the lock; free unless it parked.
     */
    final void reportWait(boolean reading, int bytes) {
        Object wait = fd.takeWait();
        if (Jfr.isSlow(wait)) {
            Jfr.pipeWaited(wait, describe(), reading, bytes);
        }
    }

    /** Like {@link #toString}, without calling a user's codec: only jipc's own codecs describe themselves. */
    private String describe() {
        String c = codec.getClass().getName().startsWith("dev.jipc.") ? codec.toString() : codec.getClass().getName();
        return getClass().getSimpleName().replace("Handle", "") + "[fd " + fd.number + ", " + c + "]";
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return HandleTransfer.replace(this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName().replace("Handle", "") + "[fd " + fd.number
                + (isClosed() ? ", closed" : "") + ", " + codec + "]";
    }
}
