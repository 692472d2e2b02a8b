package dev.jipc;

import java.util.concurrent.CompletableFuture;

/**
 * The sending end of a pipe: each call sends one whole message as a length-prefixed frame.
 *
 * <pre>{@code
 * PipeWriter<List<Integer>> w = pipe.writer();
 * w.put(List.of(1, 2, 3));               // returns once the frame is in the pipe
 * w.putAsync(List.of(4)).join();         // or without blocking the caller
 * }</pre>
 *
 * <p>Frames of concurrent {@code put} calls never interleave. jipc keeps no user-space buffer
 * across calls: when {@code put} returns, the reader can see the message.
 *
 * @param <T> the message type
 */
public interface PipeWriter<T> extends Handle {

    /**
     * Sends one message, waiting cooperatively while the pipe is full.
     *
     * @param message the message; {@code null} where the codec can encode it
     * @throws InterruptedException only if no byte of the message was written; once a message has
     *     begun, {@code put} finishes it and returns with the thread's interrupt status set
     * @throws FrameTooLargeException if the encoded message exceeds {@code maxFrameBytes}; nothing
     *     is written and the writer stays usable
     * @throws CodecException if the codec cannot encode the message (a refused type, a handle)
     * @throws PeerClosedException if the reading end is gone
     * @throws HandleClosedException if this handle is or gets closed, even where closing it closed
     *     the reader too ({@link Pipe#close()}); pending {@link #putAsync} futures fail with it as well
     */
    void put(T message) throws InterruptedException;

    /**
     * Sends one message without blocking the caller. Messages from {@code putAsync} calls made by
     * one thread are sent in call order. Never throws: failures fail the future.
     *
     * @param message the message
     * @return a future completed once the whole frame is in the pipe
     */
    CompletableFuture<Void> putAsync(T message);
}
