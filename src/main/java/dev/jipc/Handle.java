package dev.jipc;

/**
 * One end of a pipe, owned by this process.
 *
 * <p>A handle is {@link java.io.Serializable} only so that {@link Jipc#startProcess} can hand it to a
 * child JVM: serializing it anywhere else throws {@link java.io.NotSerializableException}, and
 * putting it into a pipe fails with {@link CodecException}.
 */
public interface Handle extends AutoCloseable, java.io.Serializable {

    /** {@return whether {@link #close()} was called on this side (or the handle was handed to a child)} */
    boolean isClosed();

    /**
     * Closes this end. Idempotent. A thread blocked on this handle wakes with
     * {@link HandleClosedException}, and pending async futures fail with it.
     */
    @Override
    void close();
}
