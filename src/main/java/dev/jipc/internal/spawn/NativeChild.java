package dev.jipc.internal.spawn;

import dev.jipc.Subprocess;
import dev.jipc.internal.pipe.PipeInputStream;
import dev.jipc.internal.pipe.PipeOutputStream;
import java.io.InputStream;
import java.io.OutputStream;

/** A native child with its piped streams; reaping drains and closes them. */
final class NativeChild extends Child implements Subprocess {
    private final PipeOutputStream stdin;
    private final PipeInputStream stdout;
    private final PipeInputStream stderr;

    NativeChild(int pid, String name, PipeOutputStream stdin, PipeInputStream stdout, PipeInputStream stderr) {
        super(pid, name, false);
        this.stdin = stdin;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    @Override
    protected void released() {
        if (stdin != null) {
            stdin.close();
        }
        if (stdout != null) {
            stdout.childExited();
        }
        if (stderr != null) {
            stderr.childExited();
        }
    }

    @Override
    public void close() {
        super.close();
        if (stdin != null) {
            stdin.close();
        }
        if (stdout != null) {
            stdout.close();
        }
        if (stderr != null) {
            stderr.close();
        }
    }
}
