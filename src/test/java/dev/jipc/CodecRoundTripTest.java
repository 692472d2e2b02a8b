package dev.jipc;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages of every codec, sent through real OS pipes and compared with what was put. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CodecRoundTripTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int MIB = 1024 * 1024;

    /** A user type: refused by {@code Codec.fory()}, allowed by {@code Codec.fory(MyRecord.class)}. */
    record MyRecord(String name, int number, List<String> tags, Map<String, Integer> scores) { }

    /** A user type whose fields are all final JDK types. */
    record Point(int x, int y, String label) { }

    static final Codec<String> UTF8 = Codec.of(s -> s.getBytes(UTF_8), b -> new String(b, UTF_8));
    static final Codec<byte[]> IDENTITY = Codec.of(b -> b, b -> b);

    /** How a message gets from the putting side to the test thread, which gets it. */
    enum Transport {
        /** {@code Pipe}: put on a virtual thread, get on the test thread. */
        PIPE_PUT_ON_VIRTUAL_THREAD {
            @Override
            <T> T roundTrip(Codec<T> codec, T message) throws Exception {
                try (Pipe<T> pipe = Jipc.pipe(codec)) {
                    CompletableFuture<Void> sent = putOnVirtualThread(pipe.writer(), message, pipe);
                    return getThenCheck(pipe.reader(), sent);
                }
            }
        },
        /** {@code Pipe}: putAsync from the test thread, then get on the test thread. */
        PIPE_PUT_ASYNC {
            @Override
            <T> T roundTrip(Codec<T> codec, T message) throws Exception {
                try (Pipe<T> pipe = Jipc.pipe(codec)) {
                    CompletableFuture<Void> sent = pipe.writer().putAsync(message);
                    sent.whenComplete((v, t) -> {
                        if (t != null) {
                            pipe.close(); // wake the get below rather than wait for the timeout
                        }
                    });
                    return getThenCheck(pipe.reader(), sent);
                }
            }
        },
        /** {@code DuplexPipe}: first → second on a virtual thread, then echoed back second → first. */
        DUPLEX_THERE_AND_BACK {
            @Override
            <T> T roundTrip(Codec<T> codec, T message) throws Exception {
                try (DuplexPipe<T> pipe = Jipc.duplexPipe(codec)) {
                    CompletableFuture<Void> sent = putOnVirtualThread(pipe.first(), message, pipe);
                    T there = getThenCheck(pipe.second(), sent);
                    CompletableFuture<Void> echoed = putOnVirtualThread(pipe.second(), there, pipe);
                    return getThenCheck(pipe.first(), echoed);
                }
            }
        };

        abstract <T> T roundTrip(Codec<T> codec, T message) throws Exception;

        private static <T> CompletableFuture<Void> putOnVirtualThread(PipeWriter<T> writer, T message,
                                                                      AutoCloseable pipe) {
            CompletableFuture<Void> sent = new CompletableFuture<>();
            Thread.ofVirtual().name("test-writer").start(() -> {
                try {
                    writer.put(message);
                    sent.complete(null);
                } catch (Throwable t) {
                    sent.completeExceptionally(t);
                    try {
                        pipe.close(); // wake the getter rather than let it wait for the timeout
                    } catch (Exception ignored) {
                        // nothing more to do
                    }
                }
            });
            return sent;
        }

        private static <T> T getThenCheck(PipeReader<T> reader, CompletableFuture<Void> sent) throws Exception {
            T got;
            try {
                got = reader.get(TIMEOUT);
            } catch (HandleClosedException e) {
                sent.get(1, TimeUnit.SECONDS); // throws the put's failure, the real cause
                throw e;
            }
            sent.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS); // put returned normally
            return got;
        }
    }

    // ---------------------------------------------------------------- strings

    static final List<String> STRINGS = List.of(
            "", "a", "hello, pipe", "héllo wörld ñ ß", "日本語のテキスト", "emoji 🎉🚀 and 𝄞",
            "Ελληνικά / русский / עברית / العربية", "nul\u0000inside", "x".repeat(100_000),
            "é€𝄞".repeat(20_000));

    static Stream<Arguments> stringCases() {
        List<Named<Codec<String>>> codecs = List.of(
                Named.of("fory()", Codec.fory()),
                Named.of("foryTrusted()", Codec.foryTrusted()),
                Named.of("of(UTF-8)", UTF8));
        return product(codecs, STRINGS.stream().map(s -> Named.of(describe(s), s)).toList());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("stringCases")
    void strings(Transport transport, Codec<String> codec, String message) throws Exception {
        String got = transport.roundTrip(codec, message);
        assertEquals(message, got);
    }

    // ---------------------------------------------------------------- collections and null

    static List<Object> collections() {
        List<Object> values = new ArrayList<>();
        values.add(List.of());
        values.add(List.of(1));
        values.add(List.of("a", "b", "c", "d", "e"));
        values.add(Map.of());
        values.add(Map.of("one", 1));
        values.add(Map.of("one", 1, "two", 2, "three", 3));
        values.add(Set.of("x", "y", "z"));
        values.add(new ArrayList<>(List.of(1, 2, 3, "mixed", 4.5, 'c', true, 7L)));
        ArrayList<Object> withNulls = new ArrayList<>();
        withNulls.add(null);
        withNulls.add("after null");
        withNulls.add(null);
        values.add(withNulls);
        HashMap<String, Object> hash = new HashMap<>();
        hash.put("k", "v");
        hash.put("n", 42);
        hash.put("nothing", null);
        values.add(hash);
        TreeMap<String, Integer> tree = new TreeMap<>();
        for (String s : List.of("delta", "alpha", "charlie", "bravo")) {
            tree.put(s, s.length());
        }
        values.add(tree);
        LinkedHashSet<String> linked = new LinkedHashSet<>(List.of("z", "a", "m", "b"));
        values.add(linked);
        ArrayDeque<Integer> deque = new ArrayDeque<>();
        for (int i = 0; i < 10; i++) {
            deque.addFirst(i);
        }
        values.add(deque);
        LinkedHashMap<String, Object> nested = new LinkedHashMap<>();
        nested.put("list", List.of(Map.of("a", List.of(1, 2)), new ArrayList<>(List.of(Set.of("s")))));
        nested.put("tree", new TreeMap<>(Map.of(3, new ArrayDeque<>(List.of("q1", "q2")), 1, List.of())));
        nested.put("map", new HashMap<>(Map.of("inner", new LinkedHashSet<>(List.of(3, 1, 2)))));
        nested.put("immutable", Map.of("k", List.of(List.of(List.of("deep")))));
        values.add(nested);
        values.add(List.of(new ArrayList<>(List.of(new HashMap<>(Map.of(1, new TreeMap<>(Map.of("t", 0))))))));
        ArrayList<Object> big = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            big.add(i % 3 == 0 ? "s" + i : i);
        }
        values.add(big);
        return values;
    }

    static Stream<Arguments> collectionCases() {
        List<Named<Codec<Object>>> codecs = List.of(
                Named.of("fory()", Codec.fory()),
                Named.of("foryTrusted()", Codec.foryTrusted()));
        return product(codecs, collections().stream().map(v -> Named.of(describe(v), v)).toList());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("collectionCases")
    void collectionsKeepContentTypeAndOrder(Transport transport, Codec<Object> codec, Object message) throws Exception {
        assertSameStructure(message, transport.roundTrip(codec, message));
    }

    static Stream<Arguments> nullCases() {
        List<Named<Codec<Object>>> codecs = List.of(
                Named.of("fory()", Codec.fory()),
                Named.of("fory(MyRecord.class)", Codec.fory(MyRecord.class)),
                Named.of("foryTrusted()", Codec.foryTrusted()));
        return Arrays.stream(Transport.values()).flatMap(t -> codecs.stream().map(c -> Arguments.of(t, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("nullCases")
    void nullTravelsThroughFory(Transport transport, Codec<Object> codec) throws Exception {
        assertNull(transport.roundTrip(codec, null));
    }

    @Test
    void nullThenValueThenNullKeepsFraming() throws Exception {
        try (Pipe<Object> pipe = Jipc.pipe(Codec.fory())) {
            pipe.writer().put(null);
            pipe.writer().put("between");
            pipe.writer().put(null);
            assertNull(pipe.reader().get(TIMEOUT));
            assertEquals("between", pipe.reader().get(TIMEOUT));
            assertNull(pipe.reader().get(TIMEOUT));
        }
    }

    @Test
    void rawCannotEncodeNullAndSendsNothing() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            assertThrows(CodecException.class, () -> pipe.writer().put(null));
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)));
            pipe.writer().put(new byte[] {7});
            assertArrayEquals(new byte[] {7}, pipe.reader().get(TIMEOUT));
        }
    }

    // ---------------------------------------------------------------- records

    static Stream<Arguments> recordCases() {
        MyRecord full = new MyRecord("ünïcode", -7, List.of("a", "b"), new TreeMap<>(Map.of("x", 1, "y", 2)));
        MyRecord sparse = new MyRecord(null, 0, List.of(), Map.of());
        Point point = new Point(3, -4, "p");
        List<Named<Object>> myRecords = List.of(
                Named.of("MyRecord", full), Named.of("MyRecord with null and empties", sparse),
                // full twice: a shared reference
                Named.of("MyRecords in ArrayList", new ArrayList<>(List.of(full, sparse, full))),
                Named.of("MyRecords in Map.of", Map.of("r", full, "s", List.of(sparse))));
        List<Named<Object>> points = List.of(
                Named.of("Point", point), Named.of("Point with null", new Point(0, 0, null)),
                Named.of("Points in ArrayList", new ArrayList<>(List.of(point, new Point(1, 1, "q"), point))));
        return Stream.of(
                product(List.of(Named.of("fory(MyRecord.class)", Codec.fory(MyRecord.class)),
                        Named.of("foryTrusted()", Codec.foryTrusted())), myRecords),
                product(List.of(Named.of("fory(Point.class)", Codec.fory(Point.class)),
                        Named.of("foryTrusted()", Codec.foryTrusted())), points))
                .flatMap(x -> x);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("recordCases")
    void recordsOfAnAllowedType(Transport transport, Codec<Object> codec, Object message) throws Exception {
        Object got = transport.roundTrip(codec, message);
        assertSameStructure(message, got);
        if (got instanceof List<?> list) {
            assertSame(list.get(0), list.get(2), "reference tracking keeps a shared record shared");
        }
    }

    @Test
    void recordOutsideTheAllowListIsRefusedOnPutAndNothingIsSent() throws Exception {
        try (Pipe<Object> pipe = Jipc.pipe(Codec.fory())) {
            MyRecord r = new MyRecord("n", 1, List.of(), Map.of());
            CodecException e = assertThrows(CodecException.class, () -> pipe.writer().put(r));
            assertTrue(e.getMessage().contains(MyRecord.class.getName()), e.getMessage());
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)));
        }
    }

    // ---------------------------------------------------------------- byte arrays of every size

    static final int[] SIZES = {0, 1, MIB, 64 * MIB};
    private static final Map<Integer, byte[]> CONTENT = new ConcurrentHashMap<>();

    /** Pseudo-random content, the same for a given size; callers must not modify it. */
    static byte[] content(int size) {
        return CONTENT.computeIfAbsent(size, n -> {
            byte[] b = new byte[n];
            new Random(0x5EED + n).nextBytes(b);
            return b;
        });
    }

    static Stream<Arguments> byteArrayCases() {
        List<Named<Codec<byte[]>>> codecs = List.of(
                Named.of("fory()", Codec.fory()),
                Named.of("foryTrusted()", Codec.foryTrusted()),
                Named.of("raw()", Codec.raw()),
                Named.of("of(identity)", IDENTITY));
        return product(codecs, Arrays.stream(SIZES).mapToObj(n -> Named.of(n + " B", n)).toList());
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("byteArrayCases")
    void byteArrays(Transport transport, Codec<byte[]> codec, int size) throws Exception {
        byte[] message = content(size);
        byte[] got = transport.roundTrip(codec, message);
        assertNotNull(got);
        assertNotSame(message, got);
        assertEquals(size, got.length);
        assertArrayEquals(message, got);
    }

    @Test
    void manyFramesInARowOfVaryingSizeStayWhole() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            int[] sizes = {0, 1, 65_531, 65_532, 65_536, 65_537, 0, 200_000, 3, MIB + 13};
            List<CompletableFuture<Void>> sent = new ArrayList<>();
            for (int n : sizes) {
                sent.add(pipe.writer().putAsync(Arrays.copyOf(content(MIB + 13), n)));
            }
            for (int n : sizes) {
                assertArrayEquals(Arrays.copyOf(content(MIB + 13), n), pipe.reader().get(TIMEOUT));
            }
            for (CompletableFuture<Void> f : sent) {
                f.get(60, TimeUnit.SECONDS);
            }
        }
    }

    // ---------------------------------------------------------------- one wire format

    static Stream<Arguments> wireFormatCases() {
        MyRecord r = new MyRecord("shared", 3, List.of("t"), Map.of("k", 9));
        Point p = new Point(7, 8, "shared");
        return Stream.of(
                Arguments.of(Named.of("Point", p)),
                Arguments.of(Named.of("ArrayList of Point", new ArrayList<>(List.of(p, p)))),
                Arguments.of(Named.of("String", "héllo 日本")),
                Arguments.of(Named.of("null", null)),
                Arguments.of(Named.of("List.of", List.of(1, "two", 3.0))),
                Arguments.of(Named.of("nested HashMap", new HashMap<>(Map.of("a", new ArrayList<>(List.of(Map.of(1, 2))))))),
                Arguments.of(Named.of("TreeMap", new TreeMap<>(Map.of("b", 2, "a", 1)))),
                Arguments.of(Named.of("ArrayDeque", new ArrayDeque<>(List.of(3, 2, 1)))),
                Arguments.of(Named.of("byte[1 MiB]", content(MIB))),
                Arguments.of(Named.of("long[][]", new long[][] {{1, 2}, {}, {3}})),
                Arguments.of(Named.of("MyRecord", r)),
                Arguments.of(Named.of("List of MyRecord", List.of(r, r))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("wireFormatCases")
    void foryAndForyTrustedShareOneWireFormat(Object value) {
        Codec<Object> allowList = Codec.fory(MyRecord.class, Point.class);
        Codec<Object> trusted = Codec.foryTrusted();
        assertSameStructure(value, trusted.decode(allowList.encode(value)));
        assertSameStructure(value, allowList.decode(trusted.encode(value)));
        if (!containsRecord(value)) {
            Codec<Object> plain = Codec.fory();
            assertSameStructure(value, trusted.decode(plain.encode(value)));
            assertSameStructure(value, plain.decode(trusted.encode(value)));
        }
    }

    @Test
    void aFrameFromAForyTrustedWriterIsReadByAForyReaderThroughAPipe() throws Exception {
        // One pipe has one codec, so the reader's codec decodes frames made by a trusted encoder.
        Codec<Object> trusted = Codec.foryTrusted();
        Codec<Object> allowList = Codec.fory(MyRecord.class);
        Codec<Object> mixed = Codec.of(trusted::encode, allowList::decode);
        MyRecord r = new MyRecord("m", 5, List.of("x"), Map.of());
        assertSameStructure(List.of(r, "s"), Transport.PIPE_PUT_ON_VIRTUAL_THREAD.roundTrip(mixed, List.of(r, "s")));
    }

    private static boolean containsRecord(Object value) {
        return value instanceof Record || value instanceof List<?> l && l.stream().anyMatch(e -> e instanceof Record);
    }

    // ---------------------------------------------------------------- codecs are Serializable

    static Stream<Arguments> serializableCodecCases() {
        MyRecord r = new MyRecord("ser", 1, List.of("a"), Map.of("b", 2));
        return Stream.of(
                Arguments.of(Named.of("fory()", Codec.fory()), Map.of("k", List.of(1, 2))),
                Arguments.of(Named.of("fory(MyRecord.class)", Codec.fory(MyRecord.class)), r),
                Arguments.of(Named.of("foryTrusted()", Codec.foryTrusted()), List.of(r, "x")),
                Arguments.of(Named.of("raw()", Codec.raw()), content(MIB)),
                Arguments.of(Named.of("of(identity)", IDENTITY), content(1)),
                Arguments.of(Named.of("of(UTF-8)", UTF8), "héllo 🎉"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("serializableCodecCases")
    @SuppressWarnings("unchecked")
    void codecSurvivesJavaSerialization(Codec<Object> codec, Object sample) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(codec);
        }
        Codec<Object> copy;
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            copy = (Codec<Object>) ois.readObject();
        }
        assertNotNull(copy);
        assertSameStructure(sample, copy.decode(codec.encode(sample)));
        assertSameStructure(sample, codec.decode(copy.encode(sample)));
        assertSameStructure(sample, Transport.PIPE_PUT_ON_VIRTUAL_THREAD.roundTrip(copy, sample));
    }

    @Test
    void deserializedAllowListCodecStillRefusesWhatTheOriginalRefuses() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(Codec.fory());
        }
        Codec<Object> copy;
        try (ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Codec<Object> c = (Codec<Object>) ois.readObject();
            copy = c;
        }
        Point r = new Point(1, 2, "p");
        assertThrows(CodecException.class, () -> copy.encode(r));
        byte[] frame = Codec.fory(Point.class).encode(r);
        assertThrows(CodecException.class, () -> copy.decode(frame));
    }

    // ---------------------------------------------------------------- Codec.of failures

    @Test
    void codecOfWrapsWhatTheEncoderThrows() {
        IllegalStateException boom = new IllegalStateException("encoder boom");
        Codec<String> codec = Codec.of(s -> {
            throw boom;
        }, b -> "never");
        CodecException e = assertThrows(CodecException.class, () -> codec.encode("x"));
        assertSame(boom, e.getCause());
    }

    @Test
    void codecOfWrapsWhatTheDecoderThrows() {
        ArrayIndexOutOfBoundsException boom = new ArrayIndexOutOfBoundsException("decoder boom");
        Codec<String> codec = Codec.of(s -> new byte[0], b -> {
            throw boom;
        });
        CodecException e = assertThrows(CodecException.class, () -> codec.decode(new byte[3]));
        assertSame(boom, e.getCause());
    }

    @Test
    void codecOfRefusesANullEncoding() {
        Codec<String> codec = Codec.of(s -> null, b -> "x");
        assertThrows(CodecException.class, () -> codec.encode("x"));
    }

    @Test
    void failingEncoderFailsPutAndPutAsyncAndSendsNothing() throws Exception {
        Codec<String> codec = Codec.of(s -> {
            if (s.startsWith("bad")) {
                throw new IllegalArgumentException("no " + s);
            }
            return s.getBytes(UTF_8);
        }, b -> new String(b, UTF_8));
        try (Pipe<String> pipe = Jipc.pipe(codec)) {
            CodecException e = assertThrows(CodecException.class, () -> pipe.writer().put("bad one"));
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            CompletableFuture<Void> async = pipe.writer().putAsync("bad two");
            ExecutionException ee = assertThrows(ExecutionException.class, () -> async.get(10, TimeUnit.SECONDS));
            assertInstanceOf(CodecException.class, ee.getCause());
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)));
            pipe.writer().put("good");
            assertEquals("good", pipe.reader().get(TIMEOUT));
        }
    }

    @Test
    void failingDecoderFailsGetWithCodecException() throws Exception {
        Codec<String> codec = Codec.of(s -> s.getBytes(UTF_8), b -> {
            if (b.length == 0) {
                throw new IllegalStateException("empty frame");
            }
            return new String(b, UTF_8);
        });
        try (Pipe<String> pipe = Jipc.pipe(codec)) {
            pipe.writer().put("");
            CodecException e = assertThrows(CodecException.class, () -> pipe.reader().get(TIMEOUT));
            assertInstanceOf(IllegalStateException.class, e.getCause());
        }
    }

    // ---------------------------------------------------------------- maxFrameBytes

    @Test
    void frameOverTheLimitIsRefusedBeforeSendingAndTheWriterStaysUsable() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), 1024)) {
            byte[] tooBig = Arrays.copyOf(content(MIB), 1025);
            assertThrows(FrameTooLargeException.class, () -> pipe.writer().put(tooBig));
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)),
                    "a refused frame sends nothing");

            byte[] atLimit = Arrays.copyOf(content(MIB), 1024);
            pipe.writer().put(atLimit);
            assertArrayEquals(atLimit, pipe.reader().get(TIMEOUT));
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)),
                    "nothing but the 1024-byte message was received");
            assertTrue(!pipe.writer().isClosed() && !pipe.reader().isClosed());
        }
    }

    @Test
    void putAsyncOverTheLimitFailsItsFutureAndTheWriterStaysUsable() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), 1024)) {
            CompletableFuture<Void> f = pipe.writer().putAsync(new byte[1025]);
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(FrameTooLargeException.class, e.getCause());
            pipe.writer().putAsync(new byte[] {1, 2, 3}).get(10, TimeUnit.SECONDS);
            assertArrayEquals(new byte[] {1, 2, 3}, pipe.reader().get(TIMEOUT));
            assertThrows(TimeoutException.class, () -> pipe.reader().get(Duration.ofMillis(200)));
        }
    }

    @Test
    void limitCountsTheEncodedPayloadOfAForyMessage() throws Exception {
        byte[] probe = Codec.<Object>fory().encode("x".repeat(100));
        try (DuplexPipe<Object> pipe = Jipc.duplexPipe(Codec.fory(), probe.length)) {
            pipe.first().put("x".repeat(100)); // exactly at the limit
            assertEquals("x".repeat(100), pipe.second().get(TIMEOUT));
            assertThrows(FrameTooLargeException.class, () -> pipe.second().put("x".repeat(101)));
            assertThrows(TimeoutException.class, () -> pipe.first().get(Duration.ofMillis(200)));
            pipe.second().put("y");
            assertEquals("y", pipe.first().get(TIMEOUT));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -1024, Integer.MIN_VALUE})
    void nonPositiveMaxFrameBytesIsIllegal(int max) {
        assertThrows(IllegalArgumentException.class, () -> Jipc.pipe(Codec.raw(), max));
        assertThrows(IllegalArgumentException.class, () -> Jipc.pipe(Codec.fory(), max));
        assertThrows(IllegalArgumentException.class, () -> Jipc.duplexPipe(Codec.raw(), max));
        assertThrows(IllegalArgumentException.class, () -> Jipc.duplexPipe(Codec.foryTrusted(), max));
    }

    // ---------------------------------------------------------------- helpers

    /** Every transport × every codec × every value. */
    private static <C, V> Stream<Arguments> product(List<? extends Named<? extends C>> codecs, List<? extends Named<? extends V>> values) {
        return Arrays.stream(Transport.values()).flatMap(t -> codecs.stream()
                .flatMap(c -> values.stream().map(v -> Arguments.of(t, c, v))));
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        String s = String.valueOf(v);
        String shown = s.length() > 30 ? s.substring(0, 30) + "…(" + s.length() + " chars)" : s;
        return v instanceof String ? '"' + shown + '"' : v.getClass().getSimpleName() + " " + shown;
    }

    /**
     * Equal values of the same classes, recursively; lists, deques, queues, linked and sorted
     * collections also in the same order. (ArrayDeque has no equals of its own.)
     */
    static void assertSameStructure(Object expected, Object actual) {
        if (expected == null) {
            assertNull(actual);
            return;
        }
        assertNotNull(actual, () -> "expected " + expected);
        assertEquals(expected.getClass(), actual.getClass(), "class of " + describe(expected));
        if (expected.getClass().isArray()) {
            assertTrue(Objects.deepEquals(expected, actual), () -> "array " + describe(expected));
        } else if (expected instanceof Map<?, ?> em) {
            Map<?, ?> am = (Map<?, ?>) actual;
            assertEquals(em.size(), am.size());
            if (em instanceof LinkedHashMap<?, ?> || em instanceof SortedMap<?, ?>) {
                assertEquals(List.copyOf(em.keySet()), List.copyOf(am.keySet()), "key order");
            }
            for (Map.Entry<?, ?> e : em.entrySet()) {
                assertTrue(am.containsKey(e.getKey()), () -> "missing key " + e.getKey());
                assertSameStructure(e.getValue(), am.get(e.getKey()));
            }
        } else if (expected instanceof Collection<?> ec) {
            Collection<?> ac = (Collection<?>) actual;
            assertEquals(ec.size(), ac.size());
            boolean ordered = ec instanceof List<?> || ec instanceof Queue<?> || ec instanceof LinkedHashSet<?>
                    || ec instanceof SortedSet<?>;
            if (ordered) {
                Iterator<?> ai = ac.iterator();
                for (Object e : ec) {
                    assertSameStructure(e, ai.next());
                }
            } else {
                assertEquals(new HashSet<>(ec), new HashSet<>(ac));
            }
        } else {
            assertEquals(expected, actual);
        }
    }
}
