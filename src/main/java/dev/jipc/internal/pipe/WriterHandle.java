package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.FrameTooLargeException;
import dev.jipc.PeerClosedException;
import dev.jipc.PipeOptions;
import dev.jipc.PipeWriter;
import dev.jipc.internal.frame.FrameWriter;
import java.io.Serial;
import java.util.concurrent.CompletableFuture;

/** The writing end of a pipe, as a {@link PipeWriter}: messages encoded by the codec, written whole by {@link FrameWriter}. */
public final class WriterHandle<T> extends OneWayHandle<T> implements PipeWriter<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Writes the fd; used under its lock. */
    private final transient FrameWriter frames;

    public WriterHandle(int fd, Codec<T> codec, PipeOptions options) {
        super(fd, codec, options);
        this.frames = new FrameWriter(this.fd.number, this.fd, options);
    }

    @Override
    public void put(T message) throws InterruptedException {
        if (fd.isClosed()) {
            throw GuardedFd.closedException();
        }
        send(encode(message));
    }

    @Override
    public CompletableFuture<Void> putAsync(T message) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        byte[] payload;
        try {
            if (fd.isClosed()) {
                throw GuardedFd.closedException();
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
        fd.acquire();
        try {
            frames.write(payload);
        } catch (PeerClosedException e) {
            throw fd.failure(e);
        } finally {
            reportWait(false, payload.length);
            fd.release();
        }
    }
}
