package dev.jipc.internal.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.Stack;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;

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

    /**
     * @return a value of each concrete type allowed here and of the common immutable forms, for
     *     training; not of the few that Fory serializes the JDK's way (Hashtable, the concurrent
     *     linked queues, LinkedBlockingDeque), since Fory prints a warning to System.out on the first
     *     one, which a child's user would see
     */
    static List<Object> samples() {
        List<String> three = List.of("a", "b", "c");
        Map<String, Integer> two = Map.of("a", 1, "b", 2);
        return List.of(
                true, (byte) 1, 'c', (short) 1, 1, 1L, 1.5f, 1.5d, "s", BigInteger.TEN, BigDecimal.ONE,
                new UUID(1, 2), Optional.of("o"), Optional.empty(), OptionalInt.of(1), OptionalLong.of(1),
                OptionalDouble.of(1),
                Instant.EPOCH, LocalDate.EPOCH, LocalTime.NOON, LocalDateTime.MIN, ZonedDateTime.of(
                        LocalDateTime.MIN, ZoneId.of("Europe/Paris")), OffsetDateTime.MIN, OffsetTime.MIN,
                Duration.ZERO, Period.ZERO, Year.of(2000), YearMonth.of(2000, 1), MonthDay.of(1, 1),
                ZoneOffset.UTC, ZoneId.of("Europe/Paris"), DayOfWeek.MONDAY,
                new boolean[1], new byte[1], new char[1], new short[1], new int[1], new long[1], new float[1],
                new double[1], new String[] {"s"}, new Integer[] {1}, new Object[] {1, "s"}, new long[][] {{1}},
                new ArrayList<>(three), new LinkedList<>(three), new Vector<>(three), stack(three),
                new HashMap<>(two), new LinkedHashMap<>(two), new TreeMap<>(two),
                new HashSet<>(three), new LinkedHashSet<>(three), new TreeSet<>(three), new ArrayDeque<>(three),
                new PriorityQueue<>(three), new EnumMap<>(Map.of(DayOfWeek.MONDAY, 1)),
                EnumSet.of(DayOfWeek.MONDAY), Arrays.asList("a", "b"),
                new ConcurrentHashMap<>(two), new ConcurrentSkipListMap<>(two), new ConcurrentSkipListSet<>(three),
                new CopyOnWriteArrayList<>(three), new CopyOnWriteArraySet<>(three),
                new LinkedBlockingQueue<>(three), new ArrayBlockingQueue<>(3, false, three),
                List.of(), List.of("a"), three, Set.of(), Set.of("a"), Set.copyOf(three), Map.of(), Map.of("a", 1),
                two, Collections.unmodifiableList(new ArrayList<>(three)), Collections.unmodifiableSet(new HashSet<>(three)),
                Collections.unmodifiableMap(new HashMap<>(two)), Collections.emptyList(), Collections.emptySet(),
                Collections.emptyMap(), Collections.singletonList("a"), Collections.singleton("a"),
                Collections.singletonMap("a", 1));
    }

    private static Stack<String> stack(List<String> items) {
        Stack<String> stack = new Stack<>();
        stack.addAll(items);
        return stack;
    }

    /** @return the exactly allowed names (not those allowed by prefix) */
    static Set<String> exactNames() {
        return EXACT;
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
