package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PeerClosedException;
import dev.jipc.PipeOptions;
import dev.jipc.PipeReader;
import dev.jipc.ProtocolException;
import dev.jipc.internal.frame.FrameReader;
import dev.jipc.internal.frame.Readiness;
import dev.jipc.internal.util.Timeouts;
import java.io.Serial;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/** The reading end of a pipe, as a {@link PipeReader}: frames from {@link FrameReader}, decoded by the codec. */
public final class ReaderHandle<T> extends OneWayHandle<T> implements PipeReader<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Reads the fd; used under its lock. */
    private final transient FrameReader frames;
    /** Messages taken for getAsync futures cancelled meanwhile, boxed (null is a message); under the lock. */
    private final transient ArrayDeque<Object[]> returned = new ArrayDeque<>();

    public ReaderHandle(int fd, Codec<T> codec, PipeOptions options) {
        super(fd, codec, options);
        this.frames = new FrameReader(this.fd.number, this.fd, options);
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
        long nanos = Timeouts.nanos(timeout);
        if (nanos == Timeouts.FOREVER) {
            return get();
        }
        long deadline = System.nanoTime() + nanos; // may wrap: deadlines are compared by difference
        return receive(deadline == Readiness.NO_DEADLINE ? deadline - 1 : deadline, null);
    }

    @Override
    public CompletableFuture<T> getAsync() {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (fd.isClosed()) {
            result.completeExceptionally(GuardedFd.closedException());
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
            fd.acquire();
        } else if (!fd.acquire(deadline)) {
            throw new TimeoutException("no message began to arrive in time");
        }
        int bytes = 0;
        try {
            Object[] kept = returned.poll();
            T message;
            if (kept != null) {
                @SuppressWarnings("unchecked")
                T k = (T) kept[0];
                message = k;
            } else {
                byte[] payload = frames.next(deadline);
                bytes = payload.length;
                message = codec.decode(payload);
            }
            if (target != null && !target.complete(message)) {
                returned.addFirst(new Object[] {message});
            }
            return message;
        } catch (PeerClosedException e) {
            throw fd.failure(e);
        } catch (ProtocolException e) {
            RuntimeException failure = fd.failure(e);
            fd.close(); // the stream can no longer be trusted
            throw failure;
        } finally {
            reportWait(true, bytes);
            fd.release();
        }
    }
}
