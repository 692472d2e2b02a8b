package dev.jipc.internal.pipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.Posix;
import dev.jipc.testing.TestSupport;
import java.io.InterruptedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A child's stdin, over a plain pipe whose read end the test holds. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PipeOutputStreamTest {

    /** Reads the pipe until it is empty. @return the bytes read */
    private static long drain(int fd) {
        long total = 0;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(64 * 1024);
            CallState state = new CallState(arena);
            long n;
            while ((n = Posix.read(state, fd, buffer, buffer.byteSize())) > 0) {
                total += n;
            }
        }
        return total;
    }

    @Test
    void interruptedWriteCountsEveryByteThatReachedThePipe() throws Exception {
        int[] fds = Posix.pipe();
        try (PipeOutputStream stdin = new PipeOutputStream(fds[1])) {
            stdin.write(new byte[100]); // the next write's first chunk then fits only in part
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread writer = Thread.startVirtualThread(() -> {
                try {
                    stdin.write(new byte[1 << 20]);
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            TestSupport.awaitParked(writer); // the pipe is full
            writer.interrupt();
            InterruptedIOException e = assertInstanceOf(InterruptedIOException.class, outcome.get(10, TimeUnit.SECONDS));
            long inPipe = drain(fds[0]);
            assertTrue(inPipe > 100, "nothing of the large write reached the pipe");
            assertEquals(inPipe - 100, e.bytesTransferred);
        } finally {
            Posix.close(fds[0]);
        }
    }
}
