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
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.fory.Fory;
import org.apache.fory.ThreadSafeFory;
import org.apache.fory.config.Language;
import org.apache.fory.exception.InsecureException;
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
    /** Pools built so far in this JVM: one per distinct allow list, whatever the traffic. */
    private static final AtomicInteger POOLS_BUILT = new AtomicInteger();

    /** Names of the classes allowed beyond the JDK value types, sorted; null when trusted. */
    private final List<String> allowed;
    /** The shared pool for {@link #allowed}; found again from it after deserialization. */
    private final transient Pool pool;

    private ForyCodec(List<String> allowed) {
        this.allowed = allowed;
        this.pool = POOLS.computeIfAbsent(key(allowed), k -> Pool.of(allowed));
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

    /**
     * Trains this JVM for Fory: loads Fory, builds the pools of {@code Codec.fory()} and
     * {@code Codec.foryTrusted()} and round-trips a value of each type {@code Codec.fory()} allows,
     * so that a later first message loads no class and builds no serializer. A pre-started child
     * calls it before it waits for a task (it costs about 450 ms of CPU in a fresh JVM, most of it
     * loading Fory; a first message after it takes well under 1 ms instead of about 7 ms).
     */
    public static void warmUp() {
        ForyCodec<Object> fory = allowing();
        ForyCodec<Object> trusted = trusted();
        for (Object value : JdkValueTypes.samples()) {
            fory.decode(fory.encode(value));
            trusted.decode(trusted.encode(value));
        }
    }

    /**
     * Loads Fory and builds the pool of {@code Codec.fory()}, with one round trip: what a cold
     * child's first Fory message would otherwise wait for. A cold child whose handles use Fory runs
     * it on a thread of its own while it boots; a task that needs the same pool meanwhile waits for
     * this build instead of repeating it.
     */
    public static void preload() {
        ForyCodec<Object> fory = allowing();
        fory.decode(fory.encode(1));
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
            if (t instanceof CodecException c) {
                return c;
            }
            if (t instanceof InsecureException) {
                return pool.gate.explain(t.getMessage());
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

    /** @return how many Fory pools this JVM has built (one per allow list; refusals build none) */
    static int poolsBuilt() {
        return POOLS_BUILT.get();
    }

    private static List<String> key(List<String> allowed) {
        return allowed == null ? List.of("<trusted>") : allowed;
    }

    /**
     * The Fory instances of one allow list, built once: a refusal leaves them as they were (the gate
     * answers {@code false}, see {@link ForyTypeGate}), so refusals cost no rebuild and no memory.
     */
    private record Pool(ThreadSafeFory fory, ForyTypeGate gate) {

        static Pool of(List<String> allowed) {
            ForyTypeGate gate = allowed == null ? ForyTypeGate.trusted() : ForyTypeGate.allowing(allowed);
            int size = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
            ThreadSafeFory fory = Fory.builder()
                    .withLanguage(Language.JAVA)
                    .requireClassRegistration(false)
                    .suppressClassRegistrationWarnings(true)
                    .withRefTracking(true)
                    // Fory's uncompressed string reader makes a String of any 2-bit coder on the wire,
                    // and a String of coder 3 crashes the JVM; the compressed one refuses it.
                    .withStringCompressed(true)
                    .withTypeChecker(gate)
                    .withSerializerFactory((resolver, type) -> refuses(gate, type)
                            ? new RefusingSerializer(resolver.getConfig(), type) : null)
                    .buildThreadSafeForyPool(size);
            if (allowed != null) {
                // Classes Fory registered with built-in serializers bypass the gate: refuse them here.
                fory.registerCallback(f -> {
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
            POOLS_BUILT.incrementAndGet();
            return new Pool(fory, gate);
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
