package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.Handle;
import dev.jipc.HandleClosedException;
import dev.jipc.HandleLockedException;
import dev.jipc.IpcException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way a handle is serialized: inside a task handed to a child by {@code Jipc.startProcess}
 * (gipc's rule). Each captured handle becomes a {@link Ref} naming the fd numbers the child will
 * find it on; the spawner dup2s the parent's fds there, and the parent closes its handles once the
 * child is started. Anywhere else, serializing a handle fails with NotSerializableException.
 */
public final class HandleTransfer {
    /** The transfer being written on this thread, if any. */
    private static final ThreadLocal<HandleTransfer> WRITING = new ThreadLocal<>();
    /** Set in a child JVM while its task is read: only then do refs become handles. */
    private static final ThreadLocal<Boolean> READING = new ThreadLocal<>();

    /** Child fd of the first handed fd; 0-2 are stdio, 3 the bootstrap pipe. */
    public static final int FIRST_HANDED_FD = 4;

    /** The handles captured, in order of discovery, each once. */
    private final Map<Handle, Ref> refs = new IdentityHashMap<>();
    private final List<Handle> handles = new ArrayList<>();
    /** Parent fds to hand over; the child gets {@code fds.get(i)} as {@code FIRST_HANDED_FD + i}. */
    private final List<Integer> fds = new ArrayList<>();

    private HandleTransfer() {
    }

    /** A serialized task and the handles it captured. */
    public record Captured(byte[] bytes, List<Handle> handles, int[] fds) {
    }

    /**
     * Serializes {@code task}, swapping each captured handle for a ref.
     *
     * @throws HandleClosedException if a captured handle is closed
     * @throws HandleLockedException if one is mid-operation
     * @throws IpcException (cause NotSerializableException) if the task captures something unserializable
     */
    public static Captured capture(Serializable task) {
        HandleTransfer transfer = new HandleTransfer();
        WRITING.set(transfer);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(task);
        } catch (NotSerializableException e) {
            throw new IpcException("the task captures an object that is not serializable: " + e.getMessage()
                    + "; a task given to Jipc.startProcess is serialized with what it captures", e);
        } catch (IOException e) {
            throw new IpcException("cannot serialize the task: " + e, e);
        } finally {
            WRITING.remove();
        }
        return new Captured(bytes.toByteArray(), List.copyOf(transfer.handles),
                transfer.fds.stream().mapToInt(Integer::intValue).toArray());
    }

    /** In a child: deserializes a task, its refs becoming handles on the inherited fds. */
    public static Object restore(byte[] bytes) throws IOException, ClassNotFoundException {
        READING.set(Boolean.TRUE);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        } finally {
            READING.remove();
        }
    }

    static Object replace(Handle handle) throws ObjectStreamException {
        HandleTransfer transfer = WRITING.get();
        if (transfer == null) {
            throw new NotSerializableException(handle.getClass().getName()
                    + ": a jipc handle can only be handed to a child process, by capturing it in the task"
                    + " given to Jipc.startProcess");
        }
        return transfer.refFor(handle);
    }

    private Ref refFor(Handle handle) {
        Ref ref = refs.get(handle);
        if (ref != null) {
            return ref;
        }
        if (handle.isClosed()) {
            throw new HandleClosedException("the task captures a closed handle (" + handle + ")");
        }
        ref = switch (handle) {
            case ReaderHandle<?> r -> {
                checkIdle(r.isBusy(), r);
                yield new Ref(Kind.READER, hand(r.fd()), -1, r.codec(), r.options());
            }
            case WriterHandle<?> w -> {
                checkIdle(w.isBusy(), w);
                yield new Ref(Kind.WRITER, -1, hand(w.fd()), w.codec(), w.options());
            }
            case DuplexEnd<?> d -> {
                checkIdle(d.isBusy(), d);
                yield new Ref(Kind.DUPLEX, hand(d.in().fd()), hand(d.out().fd()), d.in().codec(), d.in().options());
            }
            default -> throw new IllegalArgumentException("not a jipc handle: " + handle.getClass());
        };
        refs.put(handle, ref);
        handles.add(handle);
        return ref;
    }

    private int hand(int parentFd) {
        fds.add(parentFd);
        return FIRST_HANDED_FD + fds.size() - 1;
    }

    private static void checkIdle(boolean busy, Handle handle) {
        if (busy) {
            throw new HandleLockedException("the task captures a handle that is in the middle of an operation ("
                    + handle + "): wait for its get/put/getAsync/putAsync to complete before handing it"
                    + " to a child; nothing was spawned");
        }
    }

    private enum Kind { READER, WRITER, DUPLEX }

    /** A handle in transit: the child fds it will find and how it frames and codes messages. */
    private record Ref(Kind kind, int readFd, int writeFd, Codec<?> codec, PipeOptions options) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            if (READING.get() == null) {
                throw new InvalidObjectException("a jipc handle is rebuilt only in the child it was handed to");
            }
            @SuppressWarnings({"unchecked", "rawtypes"})
            Codec<Object> c = (Codec) codec;
            return switch (kind) {
                case READER -> new ReaderHandle<>(readFd, c, options);
                case WRITER -> new WriterHandle<>(writeFd, c, options);
                case DUPLEX -> new DuplexEnd<>(new ReaderHandle<>(readFd, c, options),
                        new WriterHandle<>(writeFd, c, options));
            };
        }
    }
}
