package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.Codec;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.pipe.ReaderHandle;
import dev.jipc.internal.posix.Processes;

/**
 * The main of a child JVM started by {@code Jipc.startProcess}. Arguments: the parent's pid and
 * {@code daemon} or {@code non-daemon}. fd 3 carries one frame, the serialized task; the handles it
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
        ChildTask task;
        try (ReaderHandle<byte[]> bootstrap =
                     new ReaderHandle<>(HandleTransfer.inherit(BOOTSTRAP_FD), Codec.raw(), dev.jipc.PipeOptions.defaults().withMaxFrameBytes(Integer.MAX_VALUE))) {
            task = (ChildTask) HandleTransfer.restore(bootstrap.get());
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
}
