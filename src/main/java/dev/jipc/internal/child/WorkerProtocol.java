package dev.jipc.internal.child;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * What a process pool's worker and its parent say on the worker's control socket (a
 * {@code SOCK_STREAM} socketpair, the worker's fd 3), in jipc frames.
 *
 * <p>Parent to worker: first the initializer (a serialized {@code ChildTask}, or an empty frame
 * for none), then tasks (serialized {@code SerializableCallable}s), one at a time, each after the
 * worker's answer to the one before; an empty frame in place of a task tells the worker to exit 0.
 *
 * <p>Worker to parent: {@link #READY} (or {@link #INIT_FAILED}) once trained and initialized, then
 * one answer per task: {@link #VALUE}, {@link #THREW} or {@link #CODEC_FAILED}. The first byte of a
 * frame says which; the rest is its body.
 */
public final class WorkerProtocol {
    /** Trained, initialized, waiting for tasks; no body. */
    public static final byte READY = 'R';
    /** The initializer threw: a {@link #failure} body; the worker exits 1. */
    public static final byte INIT_FAILED = 'I';
    /** The task returned: the serialized result. */
    public static final byte VALUE = 'V';
    /** The task threw: a {@link #failure} body. */
    public static final byte THREW = 'E';
    /** The task could not be rebuilt, or its result not serialized: UTF-8 text saying why. */
    public static final byte CODEC_FAILED = 'C';

    private WorkerProtocol() {
    }

    /** @return a frame of {@code kind} whose body is {@code value}, serialized */
    public static byte[] value(byte kind, Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        bytes.write(kind);
        serialize(value, bytes);
        return bytes.toByteArray();
    }

    private static void serialize(Object value, OutputStream to) throws IOException {
        try (ObjectOutputStream out = new ObjectOutputStream(to)) {
            out.writeObject(value);
        }
    }

    /** @return a frame of {@code kind} whose body is {@code text} */
    public static byte[] text(byte kind, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        byte[] frame = new byte[1 + utf8.length];
        frame[0] = kind;
        System.arraycopy(utf8, 0, frame, 1, utf8.length);
        return frame;
    }

    /** @return the text body of a {@link #text} frame */
    public static String text(byte[] frame) {
        return new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
    }

    /**
     * A failure body: the throwable serialized (empty if it cannot be), then its stack trace as text,
     * which travels whatever the throwable holds.
     */
    public static byte[] failure(byte kind, Throwable thrown) {
        ByteArrayOutputStream serialized = new ByteArrayOutputStream(1024);
        try {
            serialize(thrown, serialized);
        } catch (IOException | RuntimeException e) { // something it holds is not serializable
            serialized.reset();
        }
        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(serialized.size() + 1024);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(kind);
            out.writeInt(serialized.size());
            serialized.writeTo(out);
            out.write(trace.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("a byte array stream does not fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * A failure as the parent reads it.
     *
     * @param thrown the throwable rebuilt here, or null if it could not be
     * @param trace its stack trace in the worker
     * @param whyNotRebuilt why {@code thrown} is null, or null
     */
    public record Failure(Throwable thrown, String trace, String whyNotRebuilt) {
    }

    /** Reads a {@link #failure} body, rebuilding the throwable with {@code loader} where it can. */
    public static Failure failure(byte[] frame, ClassLoader loader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(frame, 1, frame.length - 1))) {
            int length = in.readInt();
            Throwable thrown = null;
            String why = length == 0 ? "it is not serializable" : null;
            if (length > 0) {
                try {
                    thrown = (Throwable) read(frame, 5, length, loader);
                } catch (Exception e) {
                    why = e.toString();
                }
            }
            String trace = new String(frame, 5 + length, frame.length - 5 - length, StandardCharsets.UTF_8);
            return new Failure(thrown, trace, why);
        } catch (IOException e) {
            return new Failure(null, "", "the worker's answer is corrupt: " + e);
        }
    }

    /** @return the object serialized at {@code frame[offset, offset + length)}, its classes resolved by {@code loader} first */
    public static Object read(byte[] frame, int offset, int length, ClassLoader loader)
            throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(frame, offset, length), loader)) {
            return in.readObject();
        }
    }

    /** Resolves classes with the submitter's loader, then as ObjectInputStream does (for a task's own classes in a container). */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // a JDK type named as a primitive, or one the loader does not see
                }
            }
            return super.resolveClass(desc);
        }
    }
}
