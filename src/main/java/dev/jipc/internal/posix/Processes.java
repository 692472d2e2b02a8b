package dev.jipc.internal.posix;

import dev.jipc.ExitStatus;
import dev.jipc.IpcException;
import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.libc.jipc_siginfo;
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
    public static final int EINVAL = Libc.EINVAL();
    public static final int EPERM = Libc.EPERM();

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
     * @throws ErrnoException ENOSYS on kernels before 5.3, EMFILE when out of descriptors
     */
    public static int pidfdOpen(int pid) throws ErrnoException {
        return Syscall.run("pidfd_open(" + pid + ")", call -> (int) call.check(
                (long) SyscallIntInt.H.invokeExact(call.state(), (long) Libc.SYS_pidfd_open(), pid, 0)));
    }

    /**
     * Reaps {@code pid} if it has exited; never waits and never touches another pid.
     *
     * @return its exit status, or null while it runs
     * @throws ErrnoException ECHILD if something else in this process reaped it
     */
    public static ExitStatus reap(int pid) throws ErrnoException {
        return waitid(pid, Libc.WEXITED() | Libc.WNOHANG());
    }

    /**
     * Blocks until {@code pid} has exited, and leaves it unreaped ({@code WNOWAIT}): for the thread
     * that watches a child without a pidfd, which then reaps it with {@link #reap} under the
     * child's lock. Never touches another pid.
     *
     * @throws ErrnoException ECHILD if it was reaped meanwhile
     */
    public static void awaitExit(int pid) throws ErrnoException {
        waitid(pid, Libc.WEXITED() | Libc.WNOWAIT());
    }

    private static ExitStatus waitid(int pid, int options) throws ErrnoException {
        return Syscall.run("waitid(P_PID, " + pid + ")", call -> {
            MemorySegment info = call.allocate(jipc_siginfo.layout()); // zeroed: pid stays 0 if nothing exited
            int r;
            do {
                r = (int) Waitid.H.invokeExact(call.state(), Libc.P_PID(), pid, info, options);
            } while (call.interrupted(r));
            call.check(r);
            if (jipc_siginfo.pid(info) == 0) {
                return null;
            }
            int code = jipc_siginfo.code(info);
            int status = jipc_siginfo.status(info);
            if (code == Libc.CLD_EXITED()) {
                return new ExitStatus.Exited(status);
            }
            return new ExitStatus.Signaled(status, code == Libc.CLD_DUMPED());
        });
    }

    /**
     * Sends {@code signal} to {@code pid}; the caller guarantees the pid is its unreaped child.
     *
     * @throws ErrnoException EINVAL for a bad signal number, EPERM for a child running as another user
     */
    public static void kill(int pid, int signal) throws ErrnoException {
        Syscall.run("kill(" + pid + ", " + signal + ")",
                call -> call.check((int) Kill.H.invokeExact(call.state(), pid, signal)));
    }

    /**
     * Asks the kernel to SIGKILL this process when the thread that spawned it exits.
     *
     * @throws IpcException never short of a jipc bug: SIGKILL is a valid signal
     */
    public static void killMeWhenParentDies() {
        setDeathSignal(SIGKILL);
    }

    /** Undoes {@link #killMeWhenParentDies}: a spare that takes a non-daemon task. */
    public static void keepRunningWhenParentDies() {
        setDeathSignal(0);
    }

    private static void setDeathSignal(int signal) {
        try {
            Syscall.run("prctl(PR_SET_PDEATHSIG, " + signal + ")",
                    call -> call.check((int) PrctlLong.H.invokeExact(call.state(), Libc.PR_SET_PDEATHSIG(), (long) signal)));
        } catch (ErrnoException e) {
            throw e.as(IpcException::new);
        }
    }

    public static int getpid() {
        return Libc.getpid();
    }

    public static int getppid() {
        return Libc.getppid();
    }
}
