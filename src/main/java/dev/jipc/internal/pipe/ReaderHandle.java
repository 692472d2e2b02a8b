package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.PipeReader;
import dev.jipc.ProtocolException;
import dev.jipc.internal.frame.FrameReader;
import dev.jipc.internal.frame.Readiness;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** The reading end of a pipe: frames from {@link FrameReader}, decoded by the codec. */
public final class ReaderHandle<T> extends HandleEnd<T> implements PipeReader<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient FrameReader frames;
    /** Messages taken for getAsync futures cancelled meanwhile, boxed (null is a message); under the lock. */
    private final transient ArrayDeque<Object[]> returned = new ArrayDeque<>();

    public ReaderHandle(int fd, Codec<T> codec, PipeOptions options) {
        super(fd, codec, options);
        this.frames = new FrameReader(fd, options);
    }

    @Override
    public T get() throws InterruptedException {
        try {
            return receive(Readiness.NO_DEADLINE, null);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was given", e);
        }
    }

    @Override
    public T get(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return receive(deadline == Readiness.NO_DEADLINE ? deadline - 1 : deadline, null);
    }

    @Override
    public CompletableFuture<T> getAsync() {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (endpoint.isClosed()) {
            result.completeExceptionally(Endpoint.closedException());
            return result;
        }
        lane.submit(() -> {
            if (result.isDone()) {
                return; // cancelled before its turn: take nothing
            }
            try {
                receive(Readiness.NO_DEADLINE, result);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /**
     * Takes the next message under the lock. With a {@code target}, completes it under the lock
     * too, and keeps the message for the next caller if the target was cancelled meanwhile.
     */
    private T receive(long deadline, CompletableFuture<T> target) throws InterruptedException, TimeoutException {
        if (deadline == Readiness.NO_DEADLINE) {
            endpoint.acquire();
        } else if (!endpoint.acquire(deadline)) {
            throw new TimeoutException("no message began to arrive in time");
        }
        try {
            Object[] kept = returned.poll();
            @SuppressWarnings("unchecked")
            T message = kept != null ? (T) kept[0] : codec.decode(frames.next(endpoint, deadline));
            if (target != null && !target.complete(message)) {
                returned.addFirst(new Object[] {message});
            }
            return message;
        } catch (ProtocolException e) {
            endpoint.close(); // the stream can no longer be trusted
            throw e;
        } finally {
            endpoint.release();
        }
    }
}
