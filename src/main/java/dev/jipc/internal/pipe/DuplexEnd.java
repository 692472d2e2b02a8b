package dev.jipc.internal.pipe;

import dev.jipc.DuplexHandle;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One end of a duplex pipe, as a {@link DuplexHandle}: the reading end of one OS pipe and the
 * writing end of the other, so a get and a put on it never wait for each other.
 */
public final class DuplexEnd<T> implements DuplexHandle<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    private final ReaderHandle<T> in;
    private final WriterHandle<T> out;

    public DuplexEnd(ReaderHandle<T> in, WriterHandle<T> out) {
        this.in = in;
        this.out = out;
    }

    public ReaderHandle<T> in() {
        return in;
    }

    public WriterHandle<T> out() {
        return out;
    }

    @Override
    public T get() throws InterruptedException {
        return in.get();
    }

    @Override
    public T get(Duration timeout) throws InterruptedException, TimeoutException {
        return in.get(timeout);
    }

    @Override
    public CompletableFuture<T> getAsync() {
        return in.getAsync();
    }

    @Override
    public void put(T message) throws InterruptedException {
        out.put(message);
    }

    @Override
    public CompletableFuture<Void> putAsync(T message) {
        return out.putAsync(message);
    }

    public boolean isBusy() {
        return in.isBusy() || out.isBusy();
    }

    @Override
    public boolean isClosed() {
        return in.isClosed() && out.isClosed();
    }

    @Override
    public void close() {
        OneWayHandle.closeTogether(in, out);
    }

    @Serial
    private Object writeReplace() throws ObjectStreamException {
        return HandleTransfer.replace(this);
    }

    @Override
    public String toString() {
        return "DuplexHandle[" + in + ", " + out + "]";
    }
}
