package dev.jipc;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The receiving end of a pipe: each call returns one whole message.
 *
 * <pre>{@code
 * try (Pipe<String> pipe = Jipc.pipe()) {
 *     pipe.writer().put("hello");
 *     String s = pipe.reader().get();
 * }
 * }</pre>
 *
 * <p>Waiting is cooperative: a virtual thread blocked in {@code get} is unmounted from its carrier.
 * Concurrent callers each receive whole, distinct messages.
 *
 * @param <T> the message type
 */
public interface PipeReader<T> extends Handle {

    /**
     * Waits for the next message.
     *
     * @return the message, decoded by the pipe's codec
     * @throws InterruptedException if the thread was interrupted before or while waiting; a message
     *     it had partly read is kept and the next {@code get} returns it whole
     * @throws PeerClosedException once every complete message is read and the writer is gone
     * @throws HandleClosedException if this handle is or gets closed, even where closing it closed
     *     the writer too ({@link Pipe#close()}); pending {@link #getAsync} futures fail with it as well
     * @throws ProtocolException if a corrupt or truncated frame arrives; the handle is then closed
     * @throws CodecException if the frame cannot be decoded or names a refused type
     */
    T get() throws InterruptedException;

    /**
     * Like {@link #get()}, but gives up if no message began to arrive within {@code timeout}.
     * A message that has begun to arrive is read to its end; nothing is lost by a timeout.
     *
     * <pre>{@code
     * String now = reader.get(Duration.ZERO);                         // only if one is there
     * String soon = reader.get(Duration.ofMillis(50));
     * String whenever = reader.get(ChronoUnit.FOREVER.getDuration()); // as get()
     * }</pre>
     *
     * @param timeout how long to wait for a message to begin: zero or negative does not wait (a
     *     message already there is returned, else TimeoutException at once); one too long to
     *     count in nanoseconds (about 292 years) waits forever, as {@link Thread#join(Duration)} does
     * @return the message
     * @throws TimeoutException if no message began to arrive in time
     * @throws InterruptedException as for {@link #get()}
     */
    T get(Duration timeout) throws InterruptedException, TimeoutException;

    /**
     * Asks for the next message without blocking. Futures complete in the order they were asked
     * for. Never throws: on a closed handle the future is already failed.
     *
     * @return a future completed with the message, or failed as {@link #get()} would throw
     */
    CompletableFuture<T> getAsync();
}
