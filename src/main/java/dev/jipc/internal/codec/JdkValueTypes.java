package dev.jipc.internal.codec;

import java.util.Set;

/** The JDK classes {@code Codec.fory()} always allows: values and standard collections, by name. */
final class JdkValueTypes {

    private static final Set<String> EXACT = Set.of(
            "primitive", "int", "long", "short", "byte", "char", "boolean", "float", "double",
            "java.lang.Object", // element type of Object[] and of erased collections
            "java.lang.Boolean", "java.lang.Byte", "java.lang.Character", "java.lang.Short",
            "java.lang.Integer", "java.lang.Long", "java.lang.Float", "java.lang.Double",
            "java.lang.String", "java.lang.Number", "java.lang.Void",
            // Interfaces: the declared types of record components and fields; never instantiated.
            "java.lang.Iterable", "java.lang.Comparable", "java.lang.CharSequence", "java.io.Serializable",
            "java.util.Collection", "java.util.List", "java.util.Set", "java.util.Map", "java.util.Queue",
            "java.util.Deque", "java.util.SortedSet", "java.util.SortedMap", "java.util.NavigableSet",
            "java.util.NavigableMap", "java.util.SequencedCollection", "java.util.SequencedSet",
            "java.util.SequencedMap", "java.util.concurrent.BlockingQueue", "java.util.concurrent.BlockingDeque",
            "java.util.concurrent.ConcurrentMap", "java.util.concurrent.ConcurrentNavigableMap",
            "java.time.temporal.Temporal", "java.time.temporal.TemporalAmount", "java.time.chrono.ChronoLocalDate",
            "java.math.BigInteger", "java.math.BigDecimal",
            "java.util.UUID", "java.util.Optional", "java.util.OptionalInt", "java.util.OptionalLong",
            "java.util.OptionalDouble",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.Vector", "java.util.Stack",
            "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap", "java.util.Hashtable",
            "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.ArrayDeque", "java.util.PriorityQueue",
            "java.util.EnumMap", "java.util.EnumSet", "java.util.RegularEnumSet", "java.util.JumboEnumSet",
            "java.util.Arrays$ArrayList",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentSkipListMap",
            "java.util.concurrent.ConcurrentSkipListSet", "java.util.concurrent.CopyOnWriteArrayList",
            "java.util.concurrent.CopyOnWriteArraySet", "java.util.concurrent.ConcurrentLinkedQueue",
            "java.util.concurrent.ConcurrentLinkedDeque", "java.util.concurrent.LinkedBlockingQueue",
            "java.util.concurrent.LinkedBlockingDeque", "java.util.concurrent.ArrayBlockingQueue");

    /** Nested classes whose names start so are the immutable, unmodifiable, empty and singleton forms. */
    private static final String[] PREFIXES = {
        "java.util.ImmutableCollections$", "java.util.Collections$Unmodifiable",
        "java.util.Collections$Empty", "java.util.Collections$Singleton",
        "java.util.Collections$Synchronized", "java.util.Collections$CheckedList",
    };

    private JdkValueTypes() {
    }

    static boolean isAllowed(String name) {
        if (EXACT.contains(name)) {
            return true;
        }
        if (name.startsWith("java.time.")) {
            return !name.contains("Clock"); // values, not the system's clock
        }
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
