package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jipc.testing.TestSupport;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FdLeakTest {

    @Test
    void aThousandPipeCyclesLeaveTheFdCountUnchanged() throws Exception {
        try (Pipe<String> warm = Jipc.pipe()) { // starts the reactor (its eventfd) before counting
            warm.writer().put("x");
            warm.reader().get();
            try {
                warm.reader().get(Duration.ofMillis(1));
            } catch (TimeoutException expected) {
                // parks once, so the reactor thread exists
            }
        }
        long before = TestSupport.openFds();
        for (int i = 0; i < 1_000; i++) {
            try (Pipe<String> pipe = Jipc.pipe(); DuplexPipe<String> duplex = Jipc.duplexPipe()) {
                pipe.writer().put("m" + i);
                assertEquals("m" + i, pipe.reader().get());
                if (i % 10 == 0) { // some of them park on the reactor before closing
                    try {
                        duplex.first().get(Duration.ofMillis(1));
                    } catch (TimeoutException expected) {
                        // fine
                    }
                }
            }
        }
        assertEquals(before, TestSupport.openFds());
    }

    @Test
    void closingOneEndOnlyAndThenTheOtherReleasesBoth() {
        long before = TestSupport.openFds();
        Pipe<String> pipe = Jipc.pipe();
        assertEquals(before + 2, TestSupport.openFds());
        pipe.writer().close();
        assertEquals(before + 1, TestSupport.openFds());
        pipe.reader().close();
        assertEquals(before, TestSupport.openFds());
    }
}
