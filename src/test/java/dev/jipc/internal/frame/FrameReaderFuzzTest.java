package dev.jipc.internal.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jipc.PeerClosedException;
import dev.jipc.PipeOptions;
import dev.jipc.ProtocolException;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.Posix;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The frame reader against any byte stream, cut into any chunks: it returns exactly the frames a
 * plain reading of the stream finds, then ends with {@link PeerClosedException} (the stream ended
 * between frames) or {@link ProtocolException} (anything else), throws nothing else, never waits
 * once the stream has ended, and never allocates much beyond {@code maxFrameBytes} whatever a
 * header announces.
 *
 * <p>An input is {@code [3 bytes: maxFrameBytes - 1, big-endian, low 20 bits][2 bytes: seed][the
 * stream]}. The stream goes through a real pipe; the seam is the {@link Readiness} the reader
 * parks on: each time it would park, the next chunk (1 B to 64 KiB, drawn from the seed) is written
 * instead, or, now and then while no frame has begun, the wait times out; after the last chunk
 * the pipe's writing end is closed.
 *
 * <p>{@code ./mvnw verify} runs it over the seeds in {@code FrameReaderFuzzTestInputs} (regression
 * mode). To fuzz for {@code maxDuration} (5 minutes), which saves any input that fails beside
 * those seeds (commit it: it is a regression test from then on) and the inputs that found new
 * paths in {@code .cifuzz-corpus/}:
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B test -Dtest=FrameReaderFuzzTest
 * </pre>
 */
class FrameReaderFuzzTest {
    /** What a call may allocate beyond one payload: small objects, not payload-sized ones. */
    private static final long ALLOCATION_SLACK = 256 * 1024;
    private static final int CHECK = 0x4A495043;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // What the first use of each path allocates once per JVM (linking downcalls, loading
        // classes) is not the reader's doing: take it before anything is measured.
        byte[] small = frame(new byte[10]);
        byte[] large = frame(new byte[70_000]);
        for (byte[] stream : List.of(concat(small, large), new byte[16], Arrays.copyOf(large, 1000), Arrays.copyOf(small, 3))) {
            try {
                check(stream, 1 << 20, new SplittableRandom(0), false);
            } catch (Exception e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void anyStreamInAnyChunksGivesItsFramesThenPeerClosedOrProtocolException(byte[] input) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(input);
        int maxFrameBytes = 1 + (take(in, 3) & 0xFFFFF);
        SplittableRandom random = new SplittableRandom(take(in, 2));
        byte[] stream = new byte[in.remaining()];
        in.get(stream);
        check(stream, maxFrameBytes, random, true);
    }

    private static void check(byte[] stream, int maxFrameBytes, SplittableRandom random, boolean measure)
            throws Exception {
        Expected expected = Expected.of(stream, maxFrameBytes);
        int[] fds = Posix.pipe();
        try (Arena arena = Arena.ofConfined()) {
            Feeder feeder = new Feeder(fds[1], stream, random, arena);
            try {
                feeder.reader = new FrameReader(fds[0], feeder,
                        PipeOptions.defaults().withMaxFrameBytes(maxFrameBytes).withSpin(Duration.ZERO));
                read(feeder.reader, maxFrameBytes, expected, measure);
            } finally {
                feeder.closeIfOpen();
            }
        } finally {
            Posix.close(fds[0]);
        }
    }

    /** Reads frames to the end, checking each call's allocation, then checks them against {@code expected}. */
    private static void read(FrameReader reader, int maxFrameBytes, Expected expected, boolean measure)
            throws InterruptedException {
        List<byte[]> frames = new ArrayList<>();
        RuntimeException end;
        while (true) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            try {
                frames.add(reader.next(System.nanoTime() + TimeUnit.HOURS.toNanos(1)));
            } catch (TimeoutException e) {
                continue; // the feeder's: nothing may be lost by it
            } catch (RuntimeException e) {
                end = e;
                break;
            } finally {
                long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
                assertTrue(!measure || allocated <= maxFrameBytes + ALLOCATION_SLACK,
                        allocated + " bytes allocated for one frame, maxFrameBytes " + maxFrameBytes);
            }
        }
        RuntimeException ended = end;
        assertInstanceOf(expected.end, ended, () -> "ended with " + ended + ", expected " + expected.end.getSimpleName());
        assertEquals(expected.frames.size(), frames.size(), "frames before the end");
        for (int i = 0; i < frames.size(); i++) {
            assertArrayEquals(expected.frames.get(i), frames.get(i), "frame " + i);
        }
    }

    private static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(payload.length).putInt(payload.length ^ CHECK).put(payload).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** @return the next {@code n} bytes as a big-endian number, 0 for bytes the input lacks */
    private static int take(ByteBuffer in, int n) {
        int v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (in.hasRemaining() ? in.get() & 0xff : 0);
        }
        return v;
    }

    /** What the stream holds, read the plain way: its whole frames, then how it ends. */
    private record Expected(List<byte[]> frames, Class<? extends RuntimeException> end) {
        static Expected of(byte[] stream, int maxFrameBytes) {
            ByteBuffer b = ByteBuffer.wrap(stream).order(ByteOrder.LITTLE_ENDIAN);
            List<byte[]> frames = new ArrayList<>();
            while (b.remaining() >= 8) {
                int length = b.getInt();
                int check = b.getInt();
                if ((length ^ CHECK) != check || length < 0 || length > maxFrameBytes || length > b.remaining()) {
                    return new Expected(frames, ProtocolException.class);
                }
                frames.add(Arrays.copyOfRange(stream, b.position(), b.position() + length));
                b.position(b.position() + length);
            }
            return new Expected(frames, b.hasRemaining() ? ProtocolException.class : PeerClosedException.class);
        }
    }

    /** The seam: where the reader would park, the next chunk arrives instead (or a timeout). */
    private static final class Feeder implements Readiness {
        private final int fd;
        private final byte[] stream;
        private final SplittableRandom random;
        private final MemorySegment staging;
        private final CallState state;
        /** The reader fed. */
        FrameReader reader;
        private int sent;
        private boolean closed;

        Feeder(int fd, byte[] stream, SplittableRandom random, Arena arena) {
            this.fd = fd;
            this.stream = stream;
            this.random = random;
            this.staging = arena.allocate(64 * 1024);
            this.state = new CallState(arena);
        }

        @Override
        public boolean await(short events, long deadline, boolean interruptible) throws TimeoutException {
            assertEquals(Posix.POLLIN, events);
            assertTrue(!closed, "the reader waits on a pipe at end of file: it would hang");
            assertTrue(deadline == NO_DEADLINE || !reader.hasPartialFrame(), "a frame that has begun may time out");
            if (deadline != NO_DEADLINE && random.nextInt(4) == 0) {
                throw new TimeoutException("the feeder's");
            }
            if (sent == stream.length) {
                closeIfOpen();
                return true;
            }
            // The reader parks only on an empty pipe, which holds 64 KiB.
            int chunk = Math.min(stream.length - sent, 1 + random.nextInt(1 << random.nextInt(17)));
            MemorySegment.copy(stream, sent, staging, ValueLayout.JAVA_BYTE, 0, chunk);
            assertEquals(chunk, Posix.write(state, fd, staging, chunk), "the pipe was not empty");
            sent += chunk;
            return true;
        }

        void closeIfOpen() {
            if (!closed) {
                closed = true;
                Posix.close(fd);
            }
        }

        @Override
        public boolean isClosed() {
            return false;
        }

        @Override
        public boolean isHeldByCurrentThread() {
            return true;
        }
    }
}
