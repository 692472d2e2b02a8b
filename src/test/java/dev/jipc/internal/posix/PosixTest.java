package dev.jipc.internal.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PosixTest {

    @Test
    void closingAClosedFdIsAnIpcExceptionNamingTheCallAndEbadf() {
        int[] fds = Posix.pipe();
        Posix.close(fds[0]);
        Posix.close(fds[1]);
        IpcException e = assertThrows(IpcException.class, () -> Posix.close(fds[0]));
        assertEquals(IpcException.class, e.getClass());
        assertNull(e.getCause());
        assertTrue(e.getMessage().startsWith("close(" + fds[0] + "): EBADF (Bad file descriptor)"), e.getMessage());
    }

    @Test
    void readOfAnEmptyNonBlockingPipeIsMinusEagain() {
        int[] fds = Posix.pipe();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(16);
            assertEquals(-Libc.EAGAIN(), Posix.read(new CallState(), fds[0], buf, 16));
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void pipeEndsAreNonBlockingAndCloseOnExec() throws Exception {
        int[] fds = Posix.pipe();
        try {
            for (int fd : fds) {
                assertTrue((Posix.fcntl(fd, Libc.F_GETFL(), 0) & Libc.O_NONBLOCK()) != 0);
                assertTrue((Posix.fcntl(fd, Libc.F_GETFD(), 0) & Libc.FD_CLOEXEC()) != 0);
                String info = Files.readString(Path.of("/proc/self/fdinfo/" + fd));
                assertTrue(info.contains("flags:"), info);
            }
        } finally {
            Posix.close(fds[0]);
            Posix.close(fds[1]);
        }
    }

    @Test
    void unknownErrnoStillHasAName() {
        assertEquals("errno 4095", Errno.name(4095));
        assertNotEquals("", Errno.describe(4095));
        assertEquals("EPIPE", Errno.name(Libc.EPIPE()));
    }

    @Test
    void fcntlFailureCarriesTheErrno() {
        ErrnoException e = assertThrows(ErrnoException.class, () -> Posix.fcntl(-1, Libc.F_GETFL(), 0));
        assertEquals("EBADF", e.errnoName());
    }
}
