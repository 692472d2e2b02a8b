package dev.jipc;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * A child process started by jipc, modelled on Python's {@code multiprocessing.Process}. Its exit
 * is noticed through a pidfd in jipc's reactor: no thread per child, and every wait is cooperative
 * (a virtual thread in {@link #join()} is unmounted).
 *
 * <pre>{@code
 * ChildProcess child = Jipc.startProcess(() -> Thread.sleep(60_000));
 * if (!child.join(Duration.ofSeconds(1))) {
 *     child.terminate();
 *     child.join();
 * }
 * assert child.exitCode().getAsInt() == -15;
 * }</pre>
 */
public interface ChildProcess extends AutoCloseable {

    /** {@return the child's process id} */
    long pid();

    /** {@return the name given in the options, else {@code Process-N}; a subprocess's program} */
    String name();

    /** {@return whether the child is killed when this JVM exits} */
    boolean isDaemon();

    /** {@return whether the child has not been reaped yet} */
    boolean isAlive();

    /** {@return empty while running; the exit code, or minus the signal that killed it} */
    OptionalInt exitCode();

    /**
     * Waits for the child to exit. A virtual thread parks until jipc's reactor reaps the child. A
     * platform thread first waits on a pidfd of its own for up to 100 ms and, if the child exits
     * meanwhile, reaps it itself (a short-lived child's exit then wakes it directly); it sees an
     * interrupt within 5 ms. Either way, when {@code join} returns the child is reaped and its
     * resources in this process are released.
     *
     * @throws InterruptedException if interrupted while waiting
     */
    void join() throws InterruptedException;

    /**
     * Waits at most {@code timeout} for the child to exit. A timeout too long to count in
     * nanoseconds (about 292 years, such as {@code ChronoUnit.FOREVER.getDuration()}) waits
     * without a deadline, as {@link Thread#join(Duration)} does; zero or negative does not block.
     *
     * @param timeout how long to wait
     * @return true if it has exited
     * @throws InterruptedException if interrupted while waiting
     */
    boolean join(Duration timeout) throws InterruptedException;

    /** Sends SIGTERM; a Java child then ends at once, without running shutdown hooks. No-op once reaped. */
    void terminate();

    /** Sends SIGKILL. No-op once reaped. */
    void kill();

    /**
     * Sends {@code signal}. No-op once reaped, so a recycled pid is never signalled.
     *
     * @param signal the signal number
     * @throws IllegalArgumentException if {@code signal} is not a signal number
     * @throws IpcException if the OS refuses (EPERM: the child runs as another user, as a
     *     set-user-ID program does)
     */
    void signal(int signal);

    /** {@return a future completed once, when the child is reaped; never by a thread per child} */
    CompletableFuture<ExitStatus> onExit();

    /**
     * Releases what this object holds (a subprocess's streams). Idempotent.
     *
     * @throws IllegalStateException while the child is still running
     */
    @Override
    void close();
}
