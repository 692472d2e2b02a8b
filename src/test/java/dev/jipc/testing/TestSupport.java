package dev.jipc.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** Helpers shared by tests: waiting for a thread to block, counting this process's fds. */
public final class TestSupport {

    private TestSupport() {
    }

    /**
     * Waits until {@code t} is parked (WAITING/TIMED_WAITING), or a platform thread polls its fd
     * in {@code poll(2)} (RUNNABLE in native code, as in a blocking read), and stays so, i.e.
     * blocked inside jipc.
     */
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
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING
                || (s == Thread.State.RUNNABLE && Arrays.stream(t.getStackTrace())
                        .anyMatch(f -> f.getClassName().equals("dev.jipc.internal.posix.OnePoll")));
    }

    /** A call that may throw anything, for {@link #blocked}. */
    @FunctionalInterface
    public interface Call {
        void run() throws Throwable;
    }

    /**
     * Starts {@code call} on a new thread of {@code builder} and waits until it is blocked.
     *
     * @return what the call threw when it ended (completed with null if it returned)
     */
    public static java.util.concurrent.CompletableFuture<Throwable> blocked(Thread.Builder builder, Call call)
            throws InterruptedException {
        java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread thread = builder.start(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        awaitParked(thread);
        return outcome;
    }

    /**
     * Asserts that no exception in {@code t}'s chain (causes and suppressed) is of a type from
     * {@code dev.jipc.internal}: what a user catches must be public.
     */
    public static void assertNoInternalTypeInChain(Throwable t) {
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Throwable> todo = new java.util.ArrayDeque<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable e = todo.pop();
            if (!seen.add(e)) {
                continue;
            }
            if (e.getClass().getName().startsWith("dev.jipc.internal.")) {
                throw new AssertionError("an internal exception type reaches the user: " + e.getClass().getName(), t);
            }
            if (e.getCause() != null) {
                todo.push(e.getCause());
            }
            todo.addAll(List.of(e.getSuppressed()));
        }
    }

    /**
     * @param pipe makes a pipe, as {@code Posix::pipe}
     * @param opened gets every pipe made, for the caller to close
     * @return a new pipe whose read end has {@code number}, just closed: the kernel hands out the
     *     lowest free number, so a pipe takes it unless another thread was quicker. A pipe whose
     *     read end took a lower number, which the JVM freed meanwhile, stays open to fill that
     *     hole; if its write end took {@code number}, that end gives it back (its read end is kept
     *     with a copy, so every pipe in {@code opened} still has two fds to close)
     */
    public static int[] reopen(int number, Supplier<int[]> pipe, List<int[]> opened) {
        for (int tries = 0; tries < 100; tries++) {
            int[] fds = pipe.get();
            if (fds[0] == number) {
                opened.add(fds);
                return fds;
            }
            if (fds[1] == number) {
                int copy = dev.jipc.internal.posix.Posix.duplicate(fds[0]); // never number: it is still taken
                dev.jipc.internal.posix.Posix.close(fds[1]);
                opened.add(new int[] {fds[0], copy});
            } else {
                opened.add(fds);
            }
        }
        throw new AssertionError("fd " + number + " was never handed out again");
    }

    /** @return how many fds this process has open */
    public static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count() - 1; // the listing's own directory fd
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @return the numbers of the fds this process has open, without the listing's own; for tests
     *     that must not add one while the JVM itself may close one meanwhile (a count would differ)
     */
    public static java.util.Set<Integer> openFdNumbers() {
        java.util.List<Path> listed = new java.util.ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            fds.forEach(listed::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.util.Set<Integer> numbers = new java.util.TreeSet<>();
        for (Path fd : listed) {
            if (Files.exists(fd)) { // checked after the listing closed its own directory fd
                numbers.add(Integer.parseInt(fd.getFileName().toString()));
            }
        }
        return numbers;
    }

    /** @return the pids of zombies whose parent is this JVM: children nobody reaped */
    public static List<Long> zombieChildren() {
        long self = ProcessHandle.current().pid();
        List<Long> zombies = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path proc : (Iterable<Path>) procs::iterator) {
                String name = proc.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 1).trim().split(" ");
                if (fields[0].equals("Z") && Long.parseLong(fields[1]) == self) {
                    zombies.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zombies;
    }
}
