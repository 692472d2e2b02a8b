package dev.jipc;

/**
 * A native child started by {@link Jipc#spawn}, with cooperative streams: a virtual thread
 * blocked reading {@link #stdout()} is unmounted. When the child is reaped, output it wrote and
 * nobody read yet is kept in memory and its pipes are closed, as the JDK's {@code Process} does.
 *
 * <pre>{@code
 * try (Subprocess cat = Jipc.spawn("cat")) {
 *     cat.stdin().write("hello".getBytes());
 *     cat.stdin().close();                              // EOF for cat
 *     String echoed = new String(cat.stdout().readAllBytes());
 *     cat.join();
 * }
 * }</pre>
 */
public interface Subprocess extends ChildProcess {

    /** {@return the child's standard input, or null unless it is {@code PIPE}} */
    java.io.OutputStream stdin();

    /** {@return the child's standard output, or null unless it is {@code PIPE}} */
    java.io.InputStream stdout();

    /** {@return the child's standard error, or null unless it is {@code PIPE}} */
    java.io.InputStream stderr();
}
