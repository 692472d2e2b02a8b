package dev.jipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.testing.TestSupport;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the public API throws when the process is out of descriptors (pipe2 failing with EMFILE,
 * injected): public exception types that name the call and the errno, never an internal one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OutOfDescriptorsTest {

    @BeforeAll
    static void warmUp() throws Exception {
        Subprocess p = Jipc.spawn("true"); // starts the reactor (its eventfd) before anything is counted
        p.join();
        p.close();
    }

    @Test
    void spawnOutOfDescriptorsIsASpawnExceptionNamingPipe2AndEmfile() {
        long before = TestSupport.openFds();
        SpawnException e;
        try (var fault = FaultInjection.inject("pipe2", Libc.EMFILE())) {
            e = assertThrows(SpawnException.class, () -> Jipc.spawn("cat"));
        }
        assertTrue(e.getMessage().startsWith("cannot start cat: "), e.getMessage());
        assertTrue(e.getMessage().contains("pipe2: EMFILE (Too many open files)"), e.getMessage());
        assertTrue(e.getMessage().contains("ulimit -n"), "says what to do: " + e.getMessage());
        TestSupport.assertNoInternalTypeInChain(e);
        assertEquals(before, TestSupport.openFds());
        assertEquals(List.of(), TestSupport.zombieChildren());
    }

    @Test
    void startProcessOutOfProcessesIsASpawnExceptionAndClosesTheBootstrapPipe() throws Exception {
        Jipc.startProcess(() -> { }).join(); // the reactor and its eventfd exist before counting
        try (Pipe<String> pipe = Jipc.pipe()) {
            PipeWriter<String> w = pipe.writer();
            long before = TestSupport.openFds();
            SpawnException e;
            try (var fault = FaultInjection.inject("posix_spawn", Libc.EAGAIN())) {
                e = assertThrows(SpawnException.class, () -> Jipc.startProcess(() -> w.put("never")));
            }
            TestSupport.assertNoInternalTypeInChain(e);
            assertEquals(before, TestSupport.openFds(), "both ends of the bootstrap pipe are closed again");
            assertFalse(w.isClosed(), "the handles of a task that never started stay the caller's");
        }
    }

    @Test
    void spawnOutOfProcessesIsASpawnExceptionWithNoInternalCauseAndLeavesNoFd() {
        long before = TestSupport.openFds();
        SpawnException e;
        try (var fault = FaultInjection.inject("posix_spawn", Libc.EAGAIN())) {
            e = assertThrows(SpawnException.class, () -> Jipc.spawn(SpawnOptions.defaults()
                    .withStderr(Redirect.PIPE), "cat"));
        }
        assertTrue(e.getMessage().contains("out of processes"), e.getMessage());
        assertTrue(e.getMessage().contains("posix_spawn: EAGAIN"), e.getMessage());
        TestSupport.assertNoInternalTypeInChain(e);
        assertEquals(before, TestSupport.openFds(), "the three pipes are closed again");
    }

    @Test
    void pipeOutOfDescriptorsIsAnIpcExceptionNamingPipe2AndEmfile() {
        try (var fault = FaultInjection.inject("pipe2", Libc.EMFILE())) {
            IpcException pipe = assertThrows(IpcException.class, Jipc::pipe);
            assertTrue(pipe.getMessage().contains("pipe2: EMFILE (Too many open files)"), pipe.getMessage());
            TestSupport.assertNoInternalTypeInChain(pipe);
            IpcException duplex = assertThrows(IpcException.class, Jipc::duplexPipe);
            TestSupport.assertNoInternalTypeInChain(duplex);
        }
        try (Pipe<String> works = Jipc.pipe()) { // and once descriptors are back, pipes are too
            assertTrue(works.toString().startsWith("Pipe["));
        }
    }
}
