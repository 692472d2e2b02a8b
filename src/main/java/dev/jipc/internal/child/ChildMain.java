package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.internal.frame.FrameHeader;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Processes;
import java.io.DataInputStream;
import java.io.FileInputStream;
import java.util.concurrent.CountDownLatch;

/**
 * The main of a child JVM started by {@code Jipc.startProcess}. Arguments: the parent's pid,
 * {@code daemon} or {@code non-daemon}, and how many fds were handed after the bootstrap fd. fd 3 carries one frame, the serialized task; the handles it
 * captured wait on fds 4 and up.
 *
 * <p>Exit status: 0 when the task returns and the non-daemon threads have ended, 1 (after the
 * stack trace) when it throws, or what it passes to {@code System.exit}.
 */
public final class ChildMain {
    /** The bootstrap pipe's fd in the child. */
    static final int BOOTSTRAP_FD = 3;

    private ChildMain() {
    }

    public static void main(String[] args) throws Exception {
        int parentPid = Integer.parseInt(args[0]);
        if (args[1].equals("daemon")) {
            Processes.killMeWhenParentDies();
            if (Processes.getppid() != parentPid) { // it died before the death signal was armed
                Runtime.getRuntime().halt(1);
            }
        }
        int handedFds = Integer.parseInt(args[2]);
        ChildTask task;
        CountDownLatch bootstrapClosed = new CountDownLatch(1);
        try (DataInputStream in = new DataInputStream(new FileInputStream("/proc/self/fd/" + BOOTSTRAP_FD))) {
            // Linking the FFM calls takes longer than reading the task: do it meanwhile. close(2)
            // first, so fd 3 is gone before the task runs; the task does not wait for the rest.
            Thread.ofPlatform().daemon().name("jipc-child-linker").start(() -> {
                try {
                    Posix.close(BOOTSTRAP_FD); // the task is read through a descriptor of its own
                } finally {
                    bootstrapClosed.countDown();
                }
                for (int fd = HandleTransfer.FIRST_HANDED_FD; fd < HandleTransfer.FIRST_HANDED_FD + handedFds; fd++) {
                    Posix.setCloseOnExec(fd); // dup2 cleared it; grandchildren must not inherit these
                }
                Posix.linkPipeCalls();
            });
            byte[] bytes = new byte[FrameHeader.read(in, Integer.MAX_VALUE)];
            in.readFully(bytes);
            task = (ChildTask) HandleTransfer.restore(bytes);
        } catch (Throwable t) {
            System.err.println("jipc: the child could not read its task from the parent");
            t.printStackTrace();
            System.exit(1);
            return;
        }
        bootstrapClosed.await();
        try {
            task.run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }
}
