package dev.jipc.internal.spawn;

import dev.jipc.ChildOptions;
import dev.jipc.ChildProcess;
import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.Handle;
import dev.jipc.IpcException;
import dev.jipc.PeerClosedException;
import dev.jipc.PipeOptions;
import dev.jipc.internal.child.ChildMain;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.pipe.WriterHandle;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Spawn;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts child JVMs on {@link ChildMain}. A cold start ({@link #start}) serializes the task
 * (handles become refs), spawns the parent's {@code java} with the captured fds dup2'ed into
 * place, writes the task to the child's bootstrap pipe and closes the handed handles here
 * (gipc's rule). A spare ({@link #spawnSpare}) is spawned the same way with a control socket
 * instead, and takes its task later (see {@link Spare}).
 */
public final class JavaLauncher {
    /** N of the next default name {@code Process-N}. */
    private static final AtomicInteger NEXT_NUMBER = new AtomicInteger(1);
    /** Children killed by the shutdown hook: daemon children, pool workers, and spares until they take a non-daemon task. */
    private static final Set<JavaChild> KILLED_AT_EXIT = ConcurrentHashMap.newKeySet();
    /**
     * Spawns daemon children and spares, and boots replacement spares. PR_SET_PDEATHSIG fires
     * when the spawning <em>thread</em> exits, and virtual-thread carriers and pool threads do
     * exit: this one lives as long as the JVM.
     */
    static final ScheduledExecutorService SPAWNER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jipc-daemon-spawner");
        t.setDaemon(true);
        spawnerThread = t;
        return t;
    });
    /** The thread of {@link #SPAWNER}, once it has started. */
    private static volatile Thread spawnerThread;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> KILLED_AT_EXIT.forEach(Child::killAtExit), "jipc-daemon-killer"));
    }

    private JavaLauncher() {
    }

    /** @return {@code name}, or the next {@code Process-N} if it is null */
    public static String nameOr(String name) {
        return name != null ? name : "Process-" + NEXT_NUMBER.getAndIncrement();
    }

    public static ChildProcess start(ChildTask task, ChildOptions options) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(options, "options");
        Object started = Jfr.childStarting();
        HandleTransfer.Captured captured = HandleTransfer.capture(task);
        ChildProcess child = startCold(captured, nameOr(options.name()), options);
        Jfr.childStarted(started, child.pid(), true, task.getClass().getName(), child.name(), false);
        return child;
    }

    /** A cold start of a task already captured: nothing has been handed over yet. */
    static ChildProcess startCold(HandleTransfer.Captured captured, String name, ChildOptions options) {
        int[] bootstrap;
        try {
            bootstrap = Posix.pipe();
        } catch (IpcException e) { // EMFILE, say: a SpawnException like any other failure to start
            throw SpawnFailures.before(List.of("a child JVM"), e);
        }
        JavaChild child;
        try {
            int[] fds = new int[HandleTransfer.FIRST_HANDED_FD + captured.fds().length];
            fds[3] = bootstrap[0];
            System.arraycopy(captured.fds(), 0, fds, HandleTransfer.FIRST_HANDED_FD, captured.fds().length);
            child = spawn(options, name, ChildCommand.of(options, ChildMain.coldArgument(captured.fds().length, captured.usesFory())), fds);
        } catch (RuntimeException | Error e) {
            Posix.close(bootstrap[1]);
            throw e;
        } finally {
            Posix.close(bootstrap[0]);
        }
        captured.handles().forEach(Handle::close);
        sendTask(bootstrap[1], captured.bytes());
        return child;
    }

    /**
     * Spawns a spare on {@link #SPAWNER}, whatever the daemon flag: a spare dies with this JVM
     * until it takes a non-daemon task. {@code control} becomes its fd 3.
     */
    static JavaChild spawnSpare(ChildOptions options, int control) {
        int[] fds = {0, 1, 2, control};
        return spawn(options, "spare", ChildCommand.of(options, ChildMain.SPARE), fds);
    }

    /**
     * Spawns a process pool's worker on {@link #SPAWNER}: like a spare, it dies with this JVM
     * whatever the daemon flag. {@code control} becomes its fd 3.
     */
    static JavaChild spawnWorker(ChildOptions options, String name, int control) {
        int[] fds = {0, 1, 2, control};
        return spawn(options, name, ChildCommand.of(options, ChildMain.WORKER), fds);
    }

    /**
     * Spawns {@code java} on ChildMain with {@code fds} as 0, 1, 2, 3, ... (0 is /dev/null, as in
     * multiprocessing: a child does not compete for our stdin) and starts watching it.
     */
    private static JavaChild spawn(ChildOptions options, String name, List<String> argv, int[] fds) {
        fds[0] = Spawn.DEV_NULL;
        fds[1] = 1;
        fds[2] = 2;
        List<String> environment = NativeLauncher.environment(options.environment());
        String mode = argv.getLast();
        boolean diesWithUs = options.daemon() || mode.equals(ChildMain.SPARE) || mode.equals(ChildMain.WORKER);
        int pid;
        try {
            pid = diesWithUs
                    ? onSpawner(() -> Spawn.spawn(argv.get(0), false, argv, environment, null, fds))
                    : Spawn.spawn(argv.get(0), false, argv, environment, null, fds);
        } catch (ErrnoException e) {
            throw SpawnFailures.of(argv, null, e);
        }
        JavaChild child = new JavaChild(pid, name, options.daemon());
        if (diesWithUs) {
            KILLED_AT_EXIT.add(child);
        }
        Supervisor.watch(child);
        return child;
    }

    /** A spare took a non-daemon task: from now on it outlives this JVM, as a cold one does. */
    static void outlivesUs(JavaChild child) {
        KILLED_AT_EXIT.remove(child);
    }

    /** Writes the task frame; the pipe usually holds it whole, so this rarely waits for the child. */
    private static void sendTask(int fd, byte[] task) {
        WriterHandle<byte[]> out = new WriterHandle<>(fd, Codec.raw(), PipeOptions.defaults().withMaxFrameBytes(Integer.MAX_VALUE));
        try {
            out.put(task);
        } catch (PeerClosedException e) {
            // The child died before reading its task: its exit status says why.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the child gets a truncated task and exits 1
        } finally {
            out.close();
        }
    }

    /** Runs {@code spawn} on {@link #SPAWNER}, or right here when already on it. */
    private static int onSpawner(Callable<Integer> spawn) throws ErrnoException {
        if (Thread.currentThread() == spawnerThread) {
            try {
                return spawn.call();
            } catch (RuntimeException | ErrnoException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        Future<Integer> pid = SPAWNER.submit(spawn);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return pid.get(); // a spawn takes a millisecond: wait it out, keep the interrupt
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof ErrnoException errno) {
                throw errno;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A child JVM: it leaves the shutdown hook's list once reaped, and tells its spare set. */
    static final class JavaChild extends Child {
        /** Told once the child is reaped, on the reaping thread; set while it is a spare. */
        volatile Runnable onReaped;

        JavaChild(int pid, String name, boolean daemon) {
            super(pid, name, daemon);
        }

        @Override
        protected void released() {
            KILLED_AT_EXIT.remove(this);
            Runnable r = onReaped;
            if (r != null) {
                r.run();
            }
        }
    }
}
