package dev.jipc.internal.posix;

import dev.jipc.ExitStatus;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.libc.jipc_siginfo;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Process calls: pidfd_open, waitid on one pid, kill, the parent-death signal, pids. */
public final class Processes {
    public static final int SIGKILL = Libc.SIGKILL();
    public static final int SIGTERM = Libc.SIGTERM();
    public static final int ENOSYS = Libc.ENOSYS();
    public static final int ESRCH = Libc.ESRCH();

    /** Handles linked on first use (see Posix). */
    private static final class SyscallIntInt {
        static final MethodHandle H = Posix.link(Libc.syscall.address(),
                FunctionDescriptor.of(Libc.C_LONG, Libc.C_LONG, Libc.C_INT, Libc.C_INT),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    private static final class PrctlLong {
        static final MethodHandle H = Posix.link(Libc.prctl.address(),
                FunctionDescriptor.of(Libc.C_INT, Libc.C_INT, Libc.C_LONG),
                Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    }

    private static final class Waitid {
        static final MethodHandle H = Posix.withErrno(Libc.waitid$address(), Libc.waitid$descriptor());
    }

    private static final class Kill {
        static final MethodHandle H = Posix.withErrno(Libc.kill$address(), Libc.kill$descriptor());
    }

    private Processes() {
    }

    /**
     * @return a pidfd for {@code pid}, close-on-exec and readable once the child exits
     * @throws ErrnoException ENOSYS on kernels before 5.3
     */
    public static int pidfdOpen(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            long fd = (long) SyscallIntInt.H.invokeExact(state.segment, (long) Libc.SYS_pidfd_open(), pid, 0);
            if (fd < 0) {
                throw new ErrnoException("pidfd_open(" + pid + ")", state.errno());
            }
            return (int) fd;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /**
     * Reaps {@code pid} if it has exited; never waits and never touches another pid.
     *
     * @param block whether to wait for the exit (only where a thread may block: the no-pidfd fallback)
     * @return its exit status, or null while it runs
     */
    public static ExitStatus reap(int pid, boolean block) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            MemorySegment info = jipc_siginfo.allocate(arena); // zeroed: pid stays 0 if nothing exited
            int options = Libc.WEXITED() | (block ? 0 : Libc.WNOHANG());
            while (true) {
                int r = (int) Waitid.H.invokeExact(state.segment, Libc.P_PID(), pid, info, options);
                if (r == 0) {
                    break;
                }
                if (state.errno() != Posix.EINTR) {
                    throw new ErrnoException("waitid(P_PID, " + pid + ")", state.errno());
                }
            }
            if (jipc_siginfo.pid(info) == 0) {
                return null;
            }
            int code = jipc_siginfo.code(info);
            int status = jipc_siginfo.status(info);
            if (code == Libc.CLD_EXITED()) {
                return new ExitStatus.Exited(status);
            }
            return new ExitStatus.Signaled(status, code == Libc.CLD_DUMPED());
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** Sends {@code signal} to {@code pid}; the caller guarantees the pid is its unreaped child. */
    public static void kill(int pid, int signal) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            int r = (int) Kill.H.invokeExact(state.segment, pid, signal);
            if (r < 0) {
                throw new ErrnoException("kill(" + pid + ", " + signal + ")", state.errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    /** Asks the kernel to SIGKILL this process when the thread that spawned it exits. */
    public static void killMeWhenParentDies() {
        setDeathSignal(SIGKILL);
    }

    /** Undoes {@link #killMeWhenParentDies}: a spare that takes a non-daemon task. */
    public static void keepRunningWhenParentDies() {
        setDeathSignal(0);
    }

    private static void setDeathSignal(int signal) {
        try (Arena arena = Arena.ofConfined()) {
            CallState state = new CallState(arena);
            int r = (int) PrctlLong.H.invokeExact(state.segment, Libc.PR_SET_PDEATHSIG(), (long) signal);
            if (r < 0) {
                throw new ErrnoException("prctl(PR_SET_PDEATHSIG)", state.errno());
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Posix.unexpected(t);
        }
    }

    public static int getpid() {
        return Libc.getpid();
    }

    public static int getppid() {
        return Libc.getppid();
    }
}
