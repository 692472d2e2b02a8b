package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.FrameTooLargeException;
import dev.jipc.PipeWriter;
import dev.jipc.internal.frame.FrameWriter;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.util.concurrent.CompletableFuture;

/** The writing end of a pipe: messages encoded by the codec, written whole by {@link FrameWriter}. */
public final class WriterHandle<T> implements PipeWriter<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Endpoint endpoint;
    private final transient FrameWriter frames;
    private final transient AsyncLane lane = new AsyncLane();
    private final Codec<T> codec;
    private final PipeOptions options;

    public WriterHandle(int fd, Codec<T> codec, PipeOptions options) {
        this.endpoint = new Endpoint(fd);
        this.frames = new FrameWriter(fd, options);
        this.codec = codec;
        this.options = options;
    }

    @Override
    public void put(T message) throws InterruptedException {
        if (endpoint.isClosed()) {
            throw Endpoint.closedException();
        }
        send(encode(message));
    }

    @Override
    public CompletableFuture<Void> putAsync(T message) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        byte[] payload;
        try {
            if (endpoint.isClosed()) {
                throw Endpoint.closedException();
            }
            payload = encode(message); // now, so the message is taken as it is at the call
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return result;
        }
        lane.submit(() -> {
            if (result.isDone()) {
                return; // cancelled before its turn: send nothing
            }
            try {
                send(payload);
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private byte[] encode(T message) {
        byte[] payload = codec.encode(message);
        if (payload.length > options.maxFrameBytes()) {
            throw new FrameTooLargeException("the message encodes to " + payload.length
                    + " bytes, over this pipe's maxFrameBytes of " + options.maxFrameBytes()
                    + "; nothing was sent (a larger limit is set by Jipc.pipe(codec, maxFrameBytes))");
        }
        return payload;
    }

    private void send(byte[] payload) throws InterruptedException {
        endpoint.acquire();
        try {
            frames.write(payload, endpoint);
        } finally {
            endpoint.release();
        }
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

    /** @return whether a put is running or waiting, or async puts are pending */
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
    private Object writeReplace() throws ObjectStreamException {
        return HandleTransfer.replace(this);
    }

    @Override
    public String toString() {
        return "PipeWriter[fd " + endpoint.fd + (isClosed() ? ", closed" : "") + ", " + codec + "]";
    }
}
