package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.internal.frame.FrameHeader;
import dev.jipc.internal.codec.ForyCodec;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.util.concurrent.CountDownLatch;

/**
 * The main of a child JVM started by {@code Jipc.startProcess} or booted as a spare. Arguments:
 * the parent's pid, {@code daemon} or {@code non-daemon}, then where the task comes from: a number
 * (a cold child: fd 3 is a pipe carrying one frame, the serialized task, and that many handed fds
 * wait on fds 4 and up), {@link #SPARE} (fd 3 is a control socket, see {@link SpareMain}) or
 * {@link #WORKER} (fd 3 is a pool worker's control socket, see {@link WorkerMain}).
 *
 * <p>Exit status: 0 when the task returns and the non-daemon threads have ended, 1 (after the
 * stack trace) when it throws, or what it passes to {@code System.exit}.
 */
public final class ChildMain {
    /** Where the task comes from: the bootstrap pipe of a cold child, a spare's control socket. */
    static final int TASK_FD = 3;
    /** A seam for tests: the linker pauses this long before it restores close-on-exec. */
    private static final long CLOEXEC_DELAY_MILLIS = Long.getLong("jipc.test.cloexecDelayMillis", 0);
    private static final String FORY_HINT = "+fory";
    /** The last argument of a spare. */
    public static final String SPARE = "spare";
    /** The last argument of a process pool's worker (see {@link WorkerMain}). */
    public static final String WORKER = "worker";

    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        int parentPid = Integer.parseInt(args[0]);
        boolean daemon = args[1].equals("daemon");
        boolean spare = args[2].equals(SPARE);
        boolean worker = args[2].equals(WORKER);
        if (daemon || spare || worker) { // spares (while they train, see SpareMain) and workers die with the parent
            dieWithParent(parentPid);
        }
        if (worker) {
            WorkerMain.run(); // exits
            return;
        }
        ChildTask task;
        try {
            task = spare ? SpareMain.awaitTask(daemon, parentPid) : coldTask(args[2]);
        } catch (Throwable t) {
            System.err.println("jipc: the child could not read its task from the parent");
            t.printStackTrace();
            System.exit(1);
            return;
        }
        try {
            task.run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** Arms the death signal; halts if the parent died before it was armed. */
    static void dieWithParent(int parentPid) {
        Processes.killMeWhenParentDies();
        if (Processes.getppid() != parentPid) {
            Runtime.getRuntime().halt(1);
        }
    }

    /**
     * A cold child's last argument: how many fds it is handed, and {@code +fory} if a handle of its
     * task decodes with Fory, which the child then loads while it boots.
     */
    public static String coldArgument(int handedFds, boolean fory) {
        return handedFds + (fory ? FORY_HINT : "");
    }

    /** Reads the task from the bootstrap pipe; its handed fds are on 4, 5, ... */
    private static ChildTask coldTask(String argument) throws Exception {
        if (argument.endsWith(FORY_HINT)) {
            // Fory's classes take longer to load than the JVM takes to boot and read the task:
            // load them meanwhile, for the task's first message (see ForyCodec.preload).
            Thread.ofPlatform().daemon().name("jipc-child-fory").start(ForyCodec::preload);
            argument = argument.substring(0, argument.length() - FORY_HINT.length());
        }
        int handedFds = Integer.parseInt(argument);
        int[] handed = new int[handedFds];
        for (int i = 0; i < handedFds; i++) {
            handed[i] = HandleTransfer.FIRST_HANDED_FD + i;
        }
        CountDownLatch fdsReady = new CountDownLatch(1);
        ChildTask task;
        try (DataInputStream in = new DataInputStream(new FileInputStream("/proc/self/fd/" + TASK_FD))) {
            // Linking the FFM calls takes longer than reading the task: do it meanwhile. The task
            // waits only for fd 3 to be closed and the handed fds to be close-on-exec again (dup2
            // cleared the flag), so that a grandchild it spawns at once inherits none of them.
            Thread.ofPlatform().daemon().name("jipc-child-linker").start(() -> {
                try {
                    Posix.close(TASK_FD); // the task is read through a descriptor of its own
                    pause(CLOEXEC_DELAY_MILLIS);
                    for (int fd : handed) {
                        Posix.setCloseOnExec(fd);
                    }
                } finally {
                    fdsReady.countDown();
                }
                Posix.linkPipeCalls();
            });
            byte[] bytes = new byte[FrameHeader.read(in, Integer.MAX_VALUE)];
            in.readFully(bytes);
            task = (ChildTask) HandleTransfer.restore(bytes, handed);
        }
        fdsReady.await();
        return task;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
