package dev.jipc.internal.child;

import dev.jipc.internal.pipe.HandleTransfer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.lang.invoke.SerializedLambda;
import java.util.Set;

/**
 * A task's lambda without what it captured, for spares to deserialize ahead of a task of the same
 * lambda: the first deserialization of a lambda loads and initializes the class that defined it
 * and links and spins the lambda's class, which took a trained spare longer than the rest of a
 * handover. A rehearsed lambda is only deserialized, never run; it captures no handle and no
 * object of the parent's (primitive values are kept, since its factory takes them unboxed, and
 * every reference is null).
 */
public final class Rehearsal {
    /** A rehearsal larger than this is not sent: it would be a lambda unlike any task's. */
    public static final int MAX_BYTES = 16 * 1024;
    private static final Set<Class<?>> WRAPPERS = Set.of(Boolean.class, Byte.class, Character.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class);

    private Rehearsal() {
    }

    /** @return what tells this lambda from another: the method its body is, and where it was written */
    public static String key(SerializedLambda lambda) {
        return lambda.getCapturingClass() + " " + lambda.getImplClass() + "." + lambda.getImplMethodName()
                + lambda.getImplMethodSignature() + " " + lambda.getFunctionalInterfaceClass();
    }

    /**
     * @param task the task's class, whose loader finds the class that defined the lambda
     * @return the serialized lambda with nothing of the parent's captured, or null if it cannot be
     *     made (the class that defined it is not visible, or it is larger than {@link #MAX_BYTES})
     */
    public static byte[] of(SerializedLambda lambda, Class<?> task) {
        Object[] captured = new Object[lambda.getCapturedArgCount()];
        for (int i = 0; i < captured.length; i++) {
            Object arg = lambda.getCapturedArg(i);
            captured[i] = arg != null && WRAPPERS.contains(arg.getClass()) ? arg : null;
        }
        try {
            Class<?> capturing = Class.forName(lambda.getCapturingClass().replace('/', '.'), false,
                    task.getClassLoader());
            SerializedLambda bare = new SerializedLambda(capturing, lambda.getFunctionalInterfaceClass(),
                    lambda.getFunctionalInterfaceMethodName(), lambda.getFunctionalInterfaceMethodSignature(),
                    lambda.getImplMethodKind(), lambda.getImplClass(), lambda.getImplMethodName(),
                    lambda.getImplMethodSignature(), lambda.getInstantiatedMethodType(), captured);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(bare);
            }
            return bytes.size() <= MAX_BYTES ? bytes.toByteArray() : null;
        } catch (ClassNotFoundException | IOException e) {
            return null;
        }
    }

    /**
     * In a spare: deserializes a rehearsal and drops the lambda. Whatever goes wrong (the class's
     * initializer throws, say) is left for the task itself to meet, as a cold child would.
     */
    static void perform(byte[] rehearsal) {
        try {
            HandleTransfer.restore(rehearsal, new int[0]);
        } catch (Throwable t) {
            // a failed rehearsal changes nothing the task can see but its speed, and its own error
        }
    }
}
