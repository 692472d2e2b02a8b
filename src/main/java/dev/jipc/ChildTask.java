package dev.jipc;

/**
 * What a child JVM started by {@link Jipc#startProcess} runs. It is serialized with everything it
 * captures; the pipe handles among those are handed to the child and closed in the parent.
 *
 * <pre>{@code
 * Pipe<String> pipe = Jipc.pipe();
 * PipeWriter<String> w = pipe.writer();
 * ChildProcess child = Jipc.startProcess(() -> w.put("hello from the child"));
 * System.out.println(pipe.reader().get());
 * child.join();
 * }</pre>
 */
@FunctionalInterface
public interface ChildTask extends java.io.Serializable {
    /**
     * Runs in the child. Returning exits the child with status 0 once its non-daemon threads end;
     * throwing prints the stack trace and exits with 1; {@code System.exit(n)} exits with n.
     *
     * @throws Exception anything; the child then exits with status 1
     */
    void run() throws Exception;
}
