/**
 * Message pipes between threads and processes, and child processes that cooperate with virtual
 * threads: the whole public API of jipc.
 *
 * <p>{@link dev.jipc.Jipc} creates everything: {@link dev.jipc.Jipc#pipe()} and
 * {@link dev.jipc.Jipc#duplexPipe()} for channels of messages (encoded by a {@link dev.jipc.Codec}),
 * {@link dev.jipc.Jipc#startProcess(ChildTask)} for a child JVM that runs a task with the pipe
 * handles it captures, and {@link dev.jipc.Jipc#spawn(String...)} for a native program with
 * non-blocking standard streams.
 *
 * <pre>{@code
 * try (Pipe<Integer> pipe = Jipc.pipe()) {
 *     PipeReader<Integer> reader = pipe.reader();
 *     ChildProcess child = Jipc.startProcess(() -> {
 *         if (reader.get() != 0) throw new AssertionError();
 *     });
 *     pipe.writer().putAsync(0);
 *     child.join();
 * }
 * }</pre>
 *
 * <p>Every failure is an unchecked {@link dev.jipc.IpcException}, or one of its subtypes, whose
 * message says what to do.
 */
package dev.jipc;
