package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.Handle;
import dev.jipc.PipeOptions;
import java.io.ObjectStreamException;
import java.io.Serial;

/** What a reading and a writing end share: the fd's endpoint, the async lane, codec and options. */
abstract sealed class HandleEnd<T> implements Handle permits ReaderHandle, WriterHandle {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The fd and its lock; never serialized (handles travel as refs, see HandleTransfer). */
    final transient Endpoint endpoint;
    /** Runs this end's async operations in order. */
    final transient AsyncLane lane = new AsyncLane();
    final Codec<T> codec;
    final PipeOptions options;

    HandleEnd(int fd, Codec<T> codec, PipeOptions options) {
        this.endpoint = new Endpoint(fd);
        this.codec = codec;
        this.options = options;
    }

    /** @return the fd, for handing this end to a child */
    public int fd() {
        return endpoint.fd;
    }

    public Codec<T> codec() {
        return codec;
    }

    public PipeOptions options() {
        return options;
    }

    /** @return whether an operation is running or waiting, or async operations are pending */
    public boolean isBusy() {
        return endpoint.isBusy() || lane.isBusy();
    }

    @Override
    public boolean isClosed() {
        return endpoint.isClosed();
    }

    @Override
    public void close() {
        endpoint.close();
    }

    @Serial
    Object writeReplace() throws ObjectStreamException {
        return HandleTransfer.replace(this);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName().replace("Handle", "") + "[fd " + endpoint.fd
                + (isClosed() ? ", closed" : "") + ", " + codec + "]";
    }
}
