package dev.jipc.internal.codec;

import dev.jipc.CodecException;
import dev.jipc.Handle;
import java.util.Collection;
import java.util.Set;
import org.apache.fory.resolver.TypeChecker;
import org.apache.fory.resolver.TypeResolver;

/**
 * Decides, from a class name alone, whether Fory may use that class. Fory asks before it loads
 * a class, so a refused class is never loaded, let alone initialized.
 *
 * <p>A refusal is a {@code false} answer, never an exception: Fory fails the call itself then, on
 * paths built to leave its caches consistent, while an exception thrown from inside Fory can leave
 * a half-built serializer behind that lets the next call through. The gate notes the refused name
 * for the calling thread so that {@link ForyCodec} can tell the user which class and what to do.
 */
final class ForyTypeGate implements TypeChecker {

    /** Exactly allowed class names beyond the JDK value types; null means every class is allowed. */
    private final Set<String> allowed;
    /** The element name this gate last refused on the current thread. */
    private final ThreadLocal<String> lastRefused = new ThreadLocal<>();

    private ForyTypeGate(Set<String> allowed) {
        this.allowed = allowed;
    }

    static ForyTypeGate allowing(Collection<String> names) {
        return new ForyTypeGate(Set.copyOf(names));
    }

    static ForyTypeGate trusted() {
        return new ForyTypeGate(null);
    }

    @Override
    public boolean checkType(TypeResolver resolver, String className) {
        String element = elementName(className);
        if (allowed == null ? !isHandle(element) : allows(element)) {
            return true;
        }
        lastRefused.set(element);
        return false;
    }

    /**
     * @param foryMessage the message of the exception Fory threw for a refusal
     * @return the refusal worded for jipc's user: of the class this thread's gate refused last if
     *     Fory's message names it (Fory may fail later calls from a serializer it cached on the
     *     first, without asking again), else Fory's own words
     */
    CodecException explain(String foryMessage) {
        String name = lastRefused.get();
        if (name != null && foryMessage != null && foryMessage.contains(name)) {
            return allowed == null ? handleRefused(name) : refusal(name);
        }
        if (allowed == null) { // Fory's own deny list of known gadget classes
            return new CodecException("Codec.foryTrusted() refused a class that Fory never deserializes: " + foryMessage);
        }
        return new CodecException("Codec.fory() refused a class: " + foryMessage + "; allow it with"
                + " Codec.fory(TheClass.class, ...), or use Codec.foryTrusted() between trusted peers");
    }

    /** @return whether a class of this (element) name may travel */
    boolean allows(String name) {
        return allowed == null || JdkValueTypes.isAllowed(name) || allowed.contains(name);
    }

    static CodecException refusal(String name) {
        return new CodecException("Codec.fory() refuses class " + name + ": it is not a JDK value or"
                + " collection type and not in the codec's allow list; create the codec with"
                + " Codec.fory(" + simpleName(name) + ".class, ...) to allow it, or use"
                + " Codec.foryTrusted() between trusted peers");
    }

    /** Handles travel only by startProcess; the trusted gate may load the class to tell. */
    private static boolean isHandle(String name) {
        if (!name.startsWith("dev.jipc.")) {
            return false;
        }
        try {
            return Handle.class.isAssignableFrom(Class.forName(name, false, ForyTypeGate.class.getClassLoader()));
        } catch (ClassNotFoundException e) {
            return false; // not ours to judge: Fory reports the missing class itself
        }
    }

    static CodecException handleRefused(String name) {
        return new CodecException("a pipe handle (" + name + ") cannot be sent through a pipe:"
                + " capture it in the task given to Jipc.startProcess to hand it to a child");
    }

    /** "[[Ljava.lang.String;" -> "java.lang.String"; "[I" -> "int"; other names unchanged. */
    static String elementName(String name) {
        int dims = 0;
        while (dims < name.length() && name.charAt(dims) == '[') {
            dims++;
        }
        if (dims == 0) {
            return name;
        }
        String rest = name.substring(dims);
        if (rest.startsWith("L") && rest.endsWith(";")) {
            return rest.substring(1, rest.length() - 1);
        }
        return rest.length() == 1 ? "primitive" : rest;
    }

    private static String simpleName(String name) {
        return name.substring(name.lastIndexOf('.') + 1).replace('$', '.');
    }
}
