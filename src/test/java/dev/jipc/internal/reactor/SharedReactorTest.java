package dev.jipc.internal.reactor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.Codec;
import dev.jipc.IpcException;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import dev.jipc.PipeWriter;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.posix.FaultInjection;
import dev.jipc.testing.TestSupport;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shared reactor, {@link Reactor#get}: the one jipc's pipes and children use, over the
 * backend {@code -Djipc.reactor} chose for this JVM (a child JVM of a test may choose another).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedReactorTest {

    @Test
    void theLoopRunsOnOneDaemonThreadNamedJipcReactor() {
        Reactor.get();
        List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("jipc-reactor")).toList();
        assertEquals(1, loops.size());
        assertTrue(loops.get(0).isDaemon());
    }

    @Test
    void theSharedReactorUsesTheConfiguredBackend() {
        assertEquals(Backend.configured(), Reactor.get().backend());
    }

    @Test
    void aGetBlockedWhenThePollFailsThrowsTheReactorsIpcExceptionAndThePipeStillWorks() throws Exception {
        String waitCall = Reactor.get().backend().waitCall();
        try (Pipe<String> pipe = Jipc.pipe()) {
            CompletableFuture<Throwable> blocked = TestSupport.blocked(Thread.ofVirtual(), () -> pipe.reader().get());
            ReactorTest.assertAwaitStillCompletes(Reactor.get()); // a round trip: the loop polls the blocked reader's fd
            try (var fault = FaultInjection.inject(waitCall, Libc.ENOMEM(), 1)) {
                ReactorTest.wakeTheLoop(Reactor.get());
                Throwable e = blocked.get(10, TimeUnit.SECONDS);
                assertInstanceOf(IpcException.class, e);
                assertTrue(e.getMessage().contains(waitCall + ": ENOMEM"), e.getMessage());
                TestSupport.assertNoInternalTypeInChain(e);
            }
            pipe.writer().put("after");
            assertEquals("after", pipe.reader().get());
        }
    }

    /**
     * HotSpot's exit waits 300 ms for threads in a native call: an idle reactor must be out of
     * poll(2) (or epoll_wait) once the exit hooks have run, and a request made after that still
     * served. In a child JVM of its own, over each backend: exit state is global.
     */
    @ParameterizedTest
    @EnumSource(Backend.class)
    void anIdleReactorEndsAtExitAndALaterRequestStartsAnother(Backend backend) throws Exception {
        try (Pipe<Boolean> report = Jipc.pipe()) {
            PipeWriter<Boolean> out = report.writer();
            ChildProcess child = Jipc.startProcess(() -> {
                try (Pipe<byte[]> p = Jipc.pipe(Codec.raw())) {
                    CompletableFuture<byte[]> parked = p.reader().getAsync(); // the reactor now polls
                    Thread.sleep(50);
                    p.writer().put(new byte[1]);
                    parked.join();
                    boolean chosen = Reactor.current().backend() == backend;
                    Reactor.stopForExit();
                    boolean ended = Thread.getAllStackTraces().keySet().stream()
                            .noneMatch(t -> t.getName().equals("jipc-reactor") && t.isAlive());
                    CompletableFuture<byte[]> again = p.reader().getAsync();
                    Thread.sleep(50);
                    p.writer().put(new byte[2]);
                    out.put(chosen && ended && again.get(10, TimeUnit.SECONDS).length == 2);
                }
            }, ChildOptions.defaults().withJvmOptions("-D" + Backend.PROPERTY + "=" + backend.value));
            assertTrue(report.reader().get(), "the idle reactor was still in its wait, a later request hung,"
                    + " or the child's reactor did not use " + backend);
            child.join();
            assertEquals(0, child.exitCode().getAsInt());
        }
    }
}
