package dev.jipc.internal.pipe;

import dev.jipc.Codec;
import dev.jipc.PipeOptions;
import dev.jipc.Handle;
import dev.jipc.HandleClosedException;
import dev.jipc.HandleLockedException;
import dev.jipc.IpcException;
import dev.jipc.internal.codec.ForyCodec;
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
import java.lang.invoke.SerializedLambda;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one way a handle is serialized: inside a task handed to a child by {@code Jipc.startProcess}
 * (gipc's rule). Each captured handle becomes a {@link Ref} naming its fds by their index in the
 * task's list of handed fds ({@link Captured#fds}); the child rebuilds it on the fds it got at those
 * indexes (a cold child finds them from {@link #FIRST_HANDED_FD} on, a warm one gets them over its
 * control socket), and the parent closes its handles once the child has them. Anywhere else,
 * serializing a handle fails with NotSerializableException.
 */
public final class HandleTransfer {
    /** The transfer being written on this thread, if any. */
    private static final ThreadLocal<HandleTransfer> WRITING = new ThreadLocal<>();
    /** Set in a child JVM while its task is read: the fds it was handed, by index. */
    private static final ThreadLocal<int[]> READING = new ThreadLocal<>();

    /** Where a cold child finds its first handed fd; 0-2 are stdio, 3 the bootstrap pipe. */
    public static final int FIRST_HANDED_FD = 4;

    /** The handles captured, in order of discovery, each once. */
    private final Map<Handle, Ref> refs = new IdentityHashMap<>();
    private final List<Handle> handles = new ArrayList<>();
    /** Parent fds to hand over, in the order the refs name them. */
    private final List<Integer> fds = new ArrayList<>();

    private HandleTransfer() {
    }

    /**
     * A serialized task and the handles it captured.
     *
     * @param lambda the task's serialized form if it is a serializable lambda, else null
     */
    public record Captured(byte[] bytes, List<Handle> handles, int[] fds, SerializedLambda lambda) {
        /** @return whether a handed handle decodes with Fory, so that the child may load Fory while it boots */
        public boolean usesFory() {
            return handles.stream().anyMatch(h -> switch (h) {
                case OneWayHandle<?> o -> o.codec() instanceof ForyCodec;
                case DuplexEnd<?> d -> d.in().codec() instanceof ForyCodec;
                default -> false;
            });
        }
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
        TaskOutputStream out = null;
        try (TaskOutputStream o = new TaskOutputStream(bytes)) {
            out = o;
            o.writeObject(task);
        } catch (NotSerializableException e) {
            throw new IpcException("the task captures an object that is not serializable: " + e.getMessage()
                    + "; a task given to Jipc.startProcess is serialized with what it captures", e);
        } catch (IOException e) {
            throw new IpcException("cannot serialize the task: " + e, e);
        } finally {
            WRITING.remove();
        }
        return new Captured(bytes.toByteArray(), List.copyOf(transfer.handles),
                transfer.fds.stream().mapToInt(Integer::intValue).toArray(), out.lambda);
    }

    /** Notes the task's serialized form: the first object it replaces is the task's writeReplace. */
    private static final class TaskOutputStream extends ObjectOutputStream {
        private boolean first = true;
        /** The task as a lambda serializes, if it is one. */
        SerializedLambda lambda;

        TaskOutputStream(ByteArrayOutputStream bytes) throws IOException {
            super(bytes);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (first) {
                first = false;
                lambda = obj instanceof SerializedLambda l ? l : null;
            }
            return obj;
        }
    }

    /**
     * In a child: deserializes a task, its refs becoming handles on the fds it was handed.
     *
     * @param handed the child's fd for each index of the parent's {@link Captured#fds}
     */
    public static Object restore(byte[] bytes, int[] handed) throws IOException, ClassNotFoundException {
        READING.set(handed);
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

    /** @return the index the child finds {@code parentFd} at */
    private int hand(int parentFd) {
        fds.add(parentFd);
        return fds.size() - 1;
    }

    private static void checkIdle(boolean busy, Handle handle) {
        if (busy) {
            throw new HandleLockedException("the task captures a handle that is in the middle of an operation ("
                    + handle + "): wait for its get/put/getAsync/putAsync to complete before handing it"
                    + " to a child; nothing was spawned");
        }
    }

    private enum Kind { READER, WRITER, DUPLEX }

    /** A handle in transit: the indexes of its handed fds, and how it frames and codes messages. */
    private record Ref(Kind kind, int read, int write, Codec<?> codec, PipeOptions options) implements Serializable {
        @Serial
        private Object readResolve() throws ObjectStreamException {
            int[] handed = READING.get();
            if (handed == null) {
                throw new InvalidObjectException("a jipc handle is rebuilt only in the child it was handed to");
            }
            int readFd = read < 0 ? -1 : handed[read];
            int writeFd = write < 0 ? -1 : handed[write];
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
