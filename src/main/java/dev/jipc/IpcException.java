package dev.jipc;

/**
 * The root of jipc's exceptions (gipc's {@code GIPCError}); all of them are unchecked.
 *
 * <pre>
 * IpcException
 *  ├─ HandleClosedException    operation on a handle closed on this side
 *  ├─ HandleLockedException    a handle that is mid-operation was handed to a child
 *  ├─ PeerClosedException      the other end is gone
 *  ├─ ProtocolException        corrupt, truncated or oversized frame received
 *  ├─ FrameTooLargeException   a message over maxFrameBytes, refused before sending
 *  ├─ CodecException           encode/decode failed or a type was refused
 *  ├─ SpawnException           the child could not be started
 *  ├─ ChildDiedException       a pool worker died running the task; exitStatus() says how
 *  └─ TaskFailedException      a pool task threw; cause = its exception where it could travel
 * </pre>
 *
 * <p>A system call that fails for a reason none of the subtypes names (out of descriptors, out of
 * memory, a signal the OS refuses) is an {@code IpcException} itself, or a {@link SpawnException}
 * when it kept a child from starting. Its message says what jipc was doing, names the call and
 * the errno, and what to do where that is known:
 *
 * <pre>{@code
 * try (Pipe<String> pipe = Jipc.pipe()) {
 *     ...
 * } catch (IpcException e) {
 *     // "cannot create a pipe: pipe2: EMFILE (Too many open files); this process is out of
 *     //  file descriptors: close the pipes and children it no longer needs, or raise its limit (ulimit -n)"
 * }
 * }</pre>
 *
 * No exception jipc throws has a type of jipc's internal packages in its cause chain.
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what went wrong and, where it helps, what to do about it
     */
    public IpcException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public IpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
