package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.PipeReader;
import dev.jipc.ProtocolException;
import dev.jipc.internal.frame.FrameReader;
import dev.jipc.internal.frame.Readiness;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** The reading end of a pipe: frames from {@link FrameReader}, decoded by the codec. */
public final class ReaderHandle<T> implements PipeReader<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Endpoint endpoint;
    private final transient FrameReader frames;
    private final transient AsyncLane lane = new AsyncLane();
    /** Messages taken for getAsync futures cancelled meanwhile, boxed (null is a message); under the lock. */
    private final transient ArrayDeque<Object[]> returned = new ArrayDeque<>();
    private final Codec<T> codec;
    private final PipeOptions options;

    public ReaderHandle(int fd, Codec<T> codec, PipeOptions options) {
        this.endpoint = new Endpoint(fd);
        this.frames = new FrameReader(fd, options);
        this.codec = codec;
        this.options = options;
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

    /** @return whether a get is running or waiting, or async gets are pending */
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
        return "PipeReader[fd " + endpoint.fd + (isClosed() ? ", closed" : "") + ", " + codec + "]";
    }
}
