package dev.jipc.internal.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.Codec;
import dev.jipc.HandleClosedException;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.ProtocolException;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a reader does with bytes that are not well-formed frames, written straight to the fd. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameProtocolTest {

    private static void writeRaw(Pipe<?> pipe, byte[] bytes) {
        int fd = ((WriterHandle<?>) pipe.writer()).fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(Math.max(1, bytes.length));
            MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
            assertEquals(bytes.length, Posix.write(new CallState(), fd, s, bytes.length));
        }
    }

    /** Writes {@code bytes} whole into a pipe smaller than they are, waiting while it is full. */
    private static void writeRawAsTheReaderDrains(Pipe<?> pipe, byte[] bytes) throws InterruptedException {
        int fd = ((WriterHandle<?>) pipe.writer()).fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
            CallState state = new CallState(arena);
            for (long done = 0; done < bytes.length; ) {
                long n = Posix.write(state, fd, s.asSlice(done), bytes.length - done);
                if (n > 0) {
                    done += n;
                } else {
                    assertEquals(-Posix.EAGAIN, n);
                    Thread.sleep(1);
                }
            }
        }
    }

    private static byte[] header(int length) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(FrameHeader.SIZE);
            FrameHeader.write(s, 0, length);
            return s.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void garbageIsAProtocolErrorAndClosesTheReader() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            writeRaw(pipe, "GET / HTTP/1.1\r\nHost: example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ProtocolException e = assertThrows(ProtocolException.class, () -> pipe.reader().get());
            assertTrue(e.getMessage().contains("corrupt frame header"), e.getMessage());
            assertTrue(pipe.reader().isClosed());
            assertThrows(HandleClosedException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void validMessagesBeforeGarbageArriveFirst() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            pipe.writer().put(new byte[] {1, 2, 3});
            writeRaw(pipe, new byte[] {9, 9, 9, 9, 9, 9, 9, 9, 9});
            assertArrayEquals(new byte[] {1, 2, 3}, pipe.reader().get());
            assertThrows(ProtocolException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void truncatedFrameAtEndOfFileIsAProtocolError() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            writeRaw(pipe, concat(header(100), new byte[40]));
            pipe.writer().close();
            ProtocolException e = assertThrows(ProtocolException.class, () -> pipe.reader().get());
            assertTrue(e.getMessage().contains("middle of a frame"), e.getMessage());
            assertTrue(pipe.reader().isClosed());
        }
    }

    @Test
    void truncatedHeaderAtEndOfFileIsAProtocolError() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            writeRaw(pipe, Arrays.copyOf(header(5), 3));
            pipe.writer().close();
            assertThrows(ProtocolException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void truncatedLargeFrameIsAProtocolError() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            writeRaw(pipe, concat(header(1 << 20), new byte[1000]));
            pipe.writer().close();
            assertThrows(ProtocolException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void headerOverTheReadersMaximumIsAProtocolError() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), 1000)) {
            writeRaw(pipe, header(1001));
            ProtocolException e = assertThrows(ProtocolException.class, () -> pipe.reader().get());
            assertTrue(e.getMessage().contains("1001"), e.getMessage());
        }
    }

    @Test
    void negativeLengthIsAProtocolError() {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            writeRaw(pipe, header(-5));
            assertThrows(ProtocolException.class, () -> pipe.reader().get());
        }
    }

    @Test
    void aProtocolErrorDoesNotDisturbOtherPipes() throws Exception {
        try (Pipe<byte[]> bad = Jipc.pipe(Codec.raw()); Pipe<byte[]> good = Jipc.pipe(Codec.raw())) {
            CompletableFuture<byte[]> pending = good.reader().getAsync();
            writeRaw(bad, new byte[16]);
            assertThrows(ProtocolException.class, () -> bad.reader().get());
            good.writer().put(new byte[] {42});
            assertArrayEquals(new byte[] {42}, pending.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void interruptedGetKeepsThePartFrameAndTheNextGetReturnsItWhole() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            byte[] payload = new byte[200_000]; // larger than the reader's buffer
            new java.util.Random(11).nextBytes(payload);
            byte[] frame = concat(header(payload.length), payload);
            writeRaw(pipe, Arrays.copyOf(frame, 30_000));

            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread getter = Thread.startVirtualThread(() -> {
                try {
                    pipe.reader().get();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            dev.jipc.testing.TestSupport.awaitParked(getter);
            getter.interrupt();
            assertInstanceOf(InterruptedException.class, outcome.get(10, TimeUnit.SECONDS));

            CompletableFuture<byte[]> whole = pipe.reader().getAsync();
            writeRawAsTheReaderDrains(pipe, Arrays.copyOfRange(frame, 30_000, frame.length));
            assertArrayEquals(payload, whole.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void timeoutWhileAFrameHasBegunWaitsForTheRest() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            byte[] frame = concat(header(10), new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
            writeRaw(pipe, Arrays.copyOf(frame, 12));
            Thread.startVirtualThread(() -> {
                try {
                    Thread.sleep(200);
                    writeRaw(pipe, Arrays.copyOfRange(frame, 12, frame.length));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            assertArrayEquals(Arrays.copyOfRange(frame, 8, 18), pipe.reader().get(Duration.ofMillis(20)));
        }
    }
}
