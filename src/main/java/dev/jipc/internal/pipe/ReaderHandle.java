package dev.jipc.internal.pipe;

import dev.jipc.Codec;
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
    /** Messages taken for getAsync futures that were cancelled meanwhile; served first. Under the lock. */
    private final transient ArrayDeque<Object[]> returned = new ArrayDeque<>();
    private final Codec<T> codec;
    private final int maxFrameBytes;

    public ReaderHandle(int fd, Codec<T> codec, int maxFrameBytes) {
        this.endpoint = new Endpoint(fd);
        this.frames = new FrameReader(fd, maxFrameBytes);
        this.codec = codec;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public T get() throws InterruptedException {
        try {
            return receive(Readiness.NO_DEADLINE);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was given", e);
        }
    }

    @Override
    public T get(Duration timeout) throws InterruptedException, TimeoutException {
        long nanos = timeout.toNanos();
        long deadline = System.nanoTime() + nanos;
        if (deadline == Readiness.NO_DEADLINE) {
            deadline--;
        }
        return receive(deadline);
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
                T message = get();
                if (!result.complete(message)) {
                    giveBack(message); // cancelled while waiting: the next get has it
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    private T receive(long deadline) throws InterruptedException, TimeoutException {
        if (deadline == Readiness.NO_DEADLINE) {
            endpoint.acquire();
        } else if (!endpoint.acquire(deadline)) {
            throw new TimeoutException("no message began to arrive in time");
        }
        byte[] payload;
        try {
            Object[] kept = returned.poll();
            if (kept != null) {
                @SuppressWarnings("unchecked")
                T message = (T) kept[0];
                return message;
            }
            payload = frames.next(endpoint, deadline);
        } catch (ProtocolException e) {
            endpoint.release();
            endpoint.close();
            throw e;
        } catch (Throwable t) {
            endpoint.release();
            throw t;
        }
        endpoint.release();
        return codec.decode(payload);
    }

    private void giveBack(T message) {
        endpoint.lockUninterruptibly();
        try {
            returned.addFirst(new Object[] {message});
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

    public int maxFrameBytes() {
        return maxFrameBytes;
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
