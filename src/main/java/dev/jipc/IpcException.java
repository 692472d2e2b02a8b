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
 */
public class IpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and, where it helps, what to do about it */
    public IpcException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong and, where it helps, what to do about it
     * @param cause the underlying failure
     */
    public IpcException(String message, Throwable cause) {
        super(message, cause);
    }
}
