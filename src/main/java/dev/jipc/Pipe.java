package dev.jipc;

import dev.jipc.internal.pipe.OneWayHandle;
import dev.jipc.internal.pipe.ReaderHandle;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.Posix;

/**
 * A one-way message channel over an OS pipe: what {@link #writer()} puts, {@link #reader()} gets,
 * whole and in order. Either end may be used by any number of threads, in this process or, once
 * captured by a task given to {@link Jipc#startProcess}, in a child.
 *
 * <pre>{@code
 * try (Pipe<String> pipe = Jipc.pipe()) {
 *     Thread.startVirtualThread(() -> pipe.writer().put("hi"));   // put throws InterruptedException
 *     System.out.println(pipe.reader().get());
 * }
 * }</pre>
 *
 * @param <T> the message type
 */
public final class Pipe<T> implements AutoCloseable {
    private final ReaderHandle<T> reader;
    private final WriterHandle<T> writer;

    Pipe(Codec<T> codec, PipeOptions options) {
        int[] fds = Posix.pipe();
        this.reader = new ReaderHandle<>(fds[0], codec, options);
        this.writer = new WriterHandle<>(fds[1], codec, options);
    }

    /** {@return the receiving end} */
    public PipeReader<T> reader() {
        return reader;
    }

    /** {@return the sending end} */
    public PipeWriter<T> writer() {
        return writer;
    }

    /**
     * Closes both ends that are still open. Threads blocked on either end, and pending async
     * futures, fail with {@link HandleClosedException}, never with {@link PeerClosedException}:
     * both ends count as closed before either fd is.
     */
    @Override
    public void close() {
        OneWayHandle.closeTogether(reader, writer);
    }

    @Override
    public String toString() {
        return "Pipe[" + reader + ", " + writer + "]";
    }
}
