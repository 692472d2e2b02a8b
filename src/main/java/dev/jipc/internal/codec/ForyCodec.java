package dev.jipc.internal.codec;

import dev.jipc.Codec;
import dev.jipc.CodecException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.resolver.ClassResolver;

/**
 * {@link Codec#fory} and {@link Codec#foryTrusted}: Apache Fory in Java-native mode.
 *
 * <p>Both flavours use the same Fory configuration (class names on the wire, no registration), so
 * they share one wire format; they differ only in the {@link ForyTypeGate} that Fory consults for
 * every class name before it loads the class. Fory instances are costly to build, so one pool is
 * kept per distinct allow list and shared by every codec (and every deserialized copy) that has it.
 */
public final class ForyCodec<T> implements Codec<T> {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Pools by allow list. */
    private static final Map<List<String>, Pool> POOLS = new ConcurrentHashMap<>();

    /** Names of the classes allowed beyond the JDK value types, sorted; null when trusted. */
    private final List<String> allowed;
    /** The shared pool for {@link #allowed}; found again from it after deserialization. */
    private final transient Pool pool;

    private ForyCodec(List<String> allowed) {
        this.allowed = allowed;
        this.pool = POOLS.computeIfAbsent(key(allowed), k -> new Pool(allowed));
    }

    public static <T> ForyCodec<T> allowing(Class<?>... allowedTypes) {
        Objects.requireNonNull(allowedTypes, "allowedTypes");
        return new ForyCodec<>(Arrays.stream(allowedTypes)
                .map(c -> Objects.requireNonNull(c, "allowedTypes contains null").getName())
                .distinct().sorted().toList());
    }

    public static <T> ForyCodec<T> trusted() {
        return new ForyCodec<>(null);
    }

    @Override
    public byte[] encode(T value) {
        try {
            return pool.fory.serialize(value);
        } catch (Throwable e) {
            throw failure("cannot encode " + (value == null ? "null" : "a " + value.getClass().getName()), e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public T decode(byte[] bytes) {
        try {
            return (T) pool.fory.deserialize(bytes);
        } catch (Throwable e) {
            throw failure("cannot decode a " + bytes.length + "-byte frame", e);
        }
    }

    /** Our own refusal, wherever Fory wrapped it, else a new CodecException around Fory's. */
    private CodecException failure(String what, Throwable e) {
        if (e instanceof Error && !(e instanceof StackOverflowError || e instanceof LinkageError)) {
            throw (Error) e;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ForyTypeGate.Refusal r) {
                pool.refused();
                return r;
            }
            if (t instanceof CodecException c) {
                return c;
            }
        }
        return new CodecException(this + " " + what + ": " + e, e);
    }

    @Serial
    private Object readResolve() throws ObjectStreamException {
        return new ForyCodec<>(allowed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ForyCodec<?> other && Objects.equals(allowed, other.allowed);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(allowed);
    }

    @Override
    public String toString() {
        if (allowed == null) {
            return "Codec.foryTrusted()";
        }
        return "Codec.fory(" + String.join(", ", allowed.stream().map(n -> n + ".class").toList()) + ")";
    }

    private static List<String> key(List<String> allowed) {
        return allowed == null ? List.of("<trusted>") : allowed;
    }

    /**
     * The Fory instances of one allow list. Fory caches what it learns of a class before it asks the
     * gate, so an instance that saw a refusal might let the class through next time: after any
     * refusal the instances are dropped and new ones built (refusals are rare: a bug or an attack).
     */
    private static final class Pool {
        /** Classes allowed beyond the JDK value types; null when trusted. */
        private final List<String> allowed;
        /** The current instances. */
        private volatile ThreadSafeFory fory;

        Pool(List<String> allowed) {
            this.allowed = allowed;
            this.fory = build();
        }

        void refused() {
            fory = build();
        }

        private ThreadSafeFory build() {
            ForyTypeGate gate = allowed == null ? ForyTypeGate.trusted() : ForyTypeGate.allowing(allowed);
            int size = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            ThreadSafeFory pool = Fory.builder()
                    .withLanguage(Language.JAVA)
                    .requireClassRegistration(false)
                    .suppressClassRegistrationWarnings(true)
                    .withRefTracking(true)
                    .withTypeChecker(gate)
                    .withSerializerFactory((resolver, type) -> refuses(gate, type)
                            ? new RefusingSerializer(resolver.getConfig(), type) : null)
                    .buildThreadSafeForyPool(size);
            if (allowed != null) {
                // Classes Fory registered with built-in serializers bypass the gate: refuse them here.
                pool.registerCallback(f -> {
                    for (Class<?> type : ((ClassResolver) f.getTypeResolver()).getRegisteredClasses()) {
                        if (refuses(gate, type) && !Collection.class.isAssignableFrom(type)
                                && !Map.class.isAssignableFrom(type)) {
                            // Fory takes only its own serializers for collections; java.util's
                            // views (subList and the like) are lists and maps all the same.
                            f.registerSerializer(type, new RefusingSerializer(f.getConfig(), type));
                        }
                    }
                });
            }
            return pool;
        }

        private static boolean refuses(ForyTypeGate gate, Class<?> type) {
            Class<?> element = type;
            while (element.isArray()) {
                element = element.getComponentType();
            }
            return !element.isPrimitive() && !element.getName().startsWith("org.apache.fory.")
                    && !gate.allows(element.getName());
        }
    }
}
