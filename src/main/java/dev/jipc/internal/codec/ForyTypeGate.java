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
 */
final class ForyTypeGate implements TypeChecker {

    /** Exactly allowed class names beyond the JDK value types; null means every class is allowed. */
    private final Set<String> allowed;

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
        if (allowed == null) {
            refuseHandle(element);
            return true;
        }
        if (allows(element)) {
            return true;
        }
        throw refusal(element);
    }

    /** @return whether a class of this (element) name may travel */
    boolean allows(String name) {
        return allowed == null || JdkValueTypes.isAllowed(name) || allowed.contains(name);
    }

    static Refusal refusal(String name) {
        return new Refusal("Codec.fory() refuses class " + name + ": it is not a JDK value or"
                + " collection type and not in the codec's allow list; create the codec with"
                + " Codec.fory(" + simpleName(name) + ".class, ...) to allow it, or use"
                + " Codec.foryTrusted() between trusted peers");
    }

    /** A refusal by the gate, as opposed to any other encoding failure. */
    static final class Refusal extends CodecException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message);
        }
    }

    /** Handles travel only by startProcess; the trusted gate may load the class to tell. */
    private static void refuseHandle(String name) {
        if (!name.startsWith("dev.jipc.")) {
            return;
        }
        try {
            Class<?> c = Class.forName(name, false, ForyTypeGate.class.getClassLoader());
            if (Handle.class.isAssignableFrom(c)) {
                throw handleRefused(name);
            }
        } catch (ClassNotFoundException e) {
            // Not ours to judge: Fory reports the missing class itself.
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
