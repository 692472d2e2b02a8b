package dev.jipc.internal.pipe;

import dev.jipc.Handle;
import java.io.NotSerializableException;

/**
 * The one way a handle is serialized: as part of a task handed to a child by
 * {@code Jipc.startProcess}. Anywhere else, serializing a handle fails.
 */
public final class HandleTransfer {

    private HandleTransfer() {
    }

    static Object replace(Handle handle) throws NotSerializableException {
        throw new NotSerializableException(handle.getClass().getName()
                + ": a jipc handle can only be handed to a child process, by capturing it in the task"
                + " given to Jipc.startProcess");
    }
}
