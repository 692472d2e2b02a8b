package dev.jipc.internal.child;

import dev.jipc.ChildTask;
import dev.jipc.SerializableCallable;
import dev.jipc.internal.pipe.HandleTransfer;
import dev.jipc.internal.posix.Posix;
import java.io.IOException;

/**
 * A process pool's worker (see {@link WorkerProtocol}): train as a spare does, run the pool's
 * initializer, then run tasks one at a time on the main thread until told to exit or the parent
 * goes away. A task that throws, or whose result cannot travel, is answered; the worker goes on.
 */
final class WorkerMain {
    private static final int[] NO_FDS = new int[0];

    private WorkerMain() {
    }

    static void run() {
        WorkerChannel channel;
        try {
            Posix.setCloseOnExec(ChildMain.TASK_FD); // a task's own children must not hold the socket open
            Posix.setNonBlocking(ChildMain.TASK_FD); // WorkerChannel spins, then polls
            Training.run();
            trainTasks(Training.TASK_ROUND_TRIPS);
            channel = new WorkerChannel(ChildMain.TASK_FD);
        } catch (Throwable t) {
            System.err.println("jipc: a pool worker failed to start");
            t.printStackTrace();
            Runtime.getRuntime().halt(1);
            return;
        }
        byte[] initializer = channel.receive();
        if (initializer == null) {
            Runtime.getRuntime().halt(0); // the pool is gone
        }
        if (initializer.length > 0) {
            try {
                ((ChildTask) HandleTransfer.restore(initializer, NO_FDS)).run();
            } catch (Throwable t) {
                channel.send(WorkerProtocol.failure(WorkerProtocol.INIT_FAILED, t));
                System.exit(1);
            }
        }
        if (!channel.send(new byte[] {WorkerProtocol.READY})) {
            System.exit(0);
        }
        byte[] task;
        while ((task = channel.receive()) != null && task.length > 0) {
            byte[] answer = answer(task);
            Thread.interrupted(); // an interrupt the task left behind is not the next task's
            if (!channel.send(answer)) {
                break;
            }
        }
        System.exit(0); // told to, or the pool is gone
    }

    /** Runs one serialized task; never throws. */
    static byte[] answer(byte[] task) {
        SerializableCallable<?> callable;
        try {
            callable = (SerializableCallable<?>) HandleTransfer.restore(task, NO_FDS);
        } catch (Throwable t) {
            return WorkerProtocol.text(WorkerProtocol.CODEC_FAILED, "the task could not be deserialized in the"
                    + " worker: " + t + "; its classes must be on the worker's class path (the parent's, by default)");
        }
        Object result;
        try {
            result = callable.call();
        } catch (Throwable t) {
            return WorkerProtocol.failure(WorkerProtocol.THREW, t);
        }
        try {
            return WorkerProtocol.value(WorkerProtocol.VALUE, result);
        } catch (IOException | RuntimeException e) {
            return WorkerProtocol.text(WorkerProtocol.CODEC_FAILED, "the task's result, a "
                    + result.getClass().getName() + ", could not be serialized: " + e
                    + "; a pool task must return something Serializable (or null)");
        }
    }

    /** The path of a task through the worker, run until compiled: deserialize, call, serialize the result. */
    private static void trainTasks(int count) throws IOException {
        for (int i = 0; i < count; i++) {
            int n = i;
            SerializableCallable<Integer> sample = () -> n + 1;
            byte[] answer = answer(HandleTransfer.capture(sample).bytes());
            if (answer[0] != WorkerProtocol.VALUE) {
                throw new IOException("training task failed: " + WorkerProtocol.text(answer));
            }
        }
    }
}
