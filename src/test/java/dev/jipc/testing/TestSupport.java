package dev.jipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Helpers shared by tests: waiting for a thread to block, counting this process's fds. */
public final class TestSupport {

    private TestSupport() {
    }

    /** Waits until {@code t} is parked (WAITING/TIMED_WAITING) and stays so, i.e. blocked inside jipc. */
    public static void awaitParked(Thread t) throws InterruptedException {
        for (int i = 0; i < 10_000; i++) {
            if (isParked(t)) {
                Thread.sleep(20); // parked for good, not in a passing lock hand-off
                if (isParked(t)) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("thread never blocked: " + t.getState());
    }

    private static boolean isParked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** @return how many fds this process has open */
    public static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the listing's own directory fd
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
