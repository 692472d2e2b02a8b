package dev.jipc;

import dev.jipc.internal.pipe.DuplexEnd;
import dev.jipc.internal.pipe.OneWayHandle;
import dev.jipc.internal.pipe.ReaderHandle;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.Posix;

/**
 * A two-way message channel made of two OS pipes: what {@link #first()} puts, {@link #second()}
 * gets, and back.
 *
 * <pre>{@code
 * try (DuplexPipe<String> pipe = Jipc.duplexPipe()) {
 *     DuplexHandle<String> here = pipe.first(), there = pipe.second();
 *     here.put("ping");
 *     there.put(there.get().replace('i', 'o'));
 *     assert here.get().equals("pong");
 * }
 * }</pre>
 *
 * @param <T> the message type
 */
public final class DuplexPipe<T> implements AutoCloseable {
    private final DuplexEnd<T> first;
    private final DuplexEnd<T> second;

    DuplexPipe(Codec<T> codec, PipeOptions options) {
        int[] forth = Posix.pipe();
        int[] back;
        try {
            back = Posix.pipe();
        } catch (RuntimeException e) {
            Posix.close(forth[0]);
            Posix.close(forth[1]);
            throw e;
        }
        this.first = new DuplexEnd<>(new ReaderHandle<>(back[0], codec, options),
                new WriterHandle<>(forth[1], codec, options));
        this.second = new DuplexEnd<>(new ReaderHandle<>(forth[0], codec, options),
                new WriterHandle<>(back[1], codec, options));
    }

    /** {@return one end} */
    public DuplexHandle<T> first() {
        return first;
    }

    /** {@return the other end} */
    public DuplexHandle<T> second() {
        return second;
    }

    /**
     * Closes both ends that are still open. Threads blocked on either end, and pending async
     * futures, fail with {@link HandleClosedException}, never with {@link PeerClosedException}:
     * all four fds count as closed before any is.
     */
    @Override
    public void close() {
        OneWayHandle.closeTogether(first.in(), first.out(), second.in(), second.out());
    }

    @Override
    public String toString() {
        return "DuplexPipe[" + first + ", " + second + "]";
    }
}
