package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.FrameTooLargeException;
import dev.jipc.PipeWriter;
import dev.jipc.internal.frame.FrameWriter;
import java.io.Serial;
import java.util.concurrent.CompletableFuture;

/** The writing end of a pipe: messages encoded by the codec, written whole by {@link FrameWriter}. */
public final class WriterHandle<T> extends HandleEnd<T> implements PipeWriter<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient FrameWriter frames;

    public WriterHandle(int fd, Codec<T> codec, PipeOptions options) {
        super(fd, codec, options);
        this.frames = new FrameWriter(fd, options);
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
}
