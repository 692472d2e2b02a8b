package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.Posix;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PipeOptionsTest {

    @Test
    void defaultsAndValidation() {
        PipeOptions d = PipeOptions.defaults();
        assertEquals(256 * 1024 * 1024, d.maxFrameBytes());
        assertEquals(Duration.ofNanos(20_000), d.spin());
        assertEquals(1024 * 1024, d.maxPipeBytes());
        assertThrows(IllegalArgumentException.class, () -> d.withMaxFrameBytes(0));
        assertThrows(IllegalArgumentException.class, () -> d.withSpin(Duration.ofNanos(-1)));
        assertThrows(NullPointerException.class, () -> d.withSpin(null));
    }

    @Test
    void withoutSpinEveryWaitParksAndMessagesStillFlow() throws Exception {
        try (DuplexPipe<Integer> pipe = Jipc.duplexPipe(Codec.fory(), PipeOptions.defaults().withSpin(Duration.ZERO))) {
            Thread echo = Thread.startVirtualThread(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) {
                        pipe.second().put(pipe.second().get() + 1);
                    }
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            for (int i = 0; i < 2_000; i++) {
                pipe.first().put(i);
                assertEquals(i + 1, pipe.first().get());
            }
            echo.join();
        }
    }

    @Test
    void aFullPipeGrowsUpToTheLimitAndNoFurther() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), PipeOptions.defaults().withMaxPipeBytes(512 * 1024))) {
            int fd = ((WriterHandle<byte[]>) pipe.writer()).fd();
            int before = Posix.pipeCapacity(fd);
            byte[] big = new byte[3 << 20];
            new java.util.Random(5).nextBytes(big);
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    pipe.writer().put(big);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            dev.jipc.testing.TestSupport.awaitParked(writer); // the pipe is full at its largest
            assertEquals(64 * 1024, before);
            assertEquals(512 * 1024, Posix.pipeCapacity(fd));
            assertArrayEquals(big, pipe.reader().get());
            writer.join();
        }
    }

    @Test
    void aSmallLimitKeepsTheKernelDefault() throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), PipeOptions.defaults().withMaxPipeBytes(0))) {
            int fd = ((WriterHandle<byte[]>) pipe.writer()).fd();
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    pipe.writer().put(new byte[1 << 20]);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            });
            dev.jipc.testing.TestSupport.awaitParked(writer);
            assertEquals(64 * 1024, Posix.pipeCapacity(fd));
            assertEquals(1 << 20, pipe.reader().get().length);
            writer.join();
        }
    }

    @Test
    void optionsTravelWithAHandleToAChild() throws Exception {
        PipeOptions small = PipeOptions.defaults().withMaxFrameBytes(100).withSpin(Duration.ZERO);
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw(), small); Pipe<String> report = Jipc.pipe()) {
            PipeWriter<byte[]> w = pipe.writer();
            PipeWriter<String> r = report.writer();
            ChildProcess child = Jipc.startProcess(() -> {
                try {
                    w.put(new byte[101]);
                    r.put("not refused");
                } catch (FrameTooLargeException e) {
                    r.put("refused");
                }
            });
            assertEquals("refused", report.reader().get());
            child.join();
            assertTrue(child.exitCode().isPresent());
        }
    }
}
