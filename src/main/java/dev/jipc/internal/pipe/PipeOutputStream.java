package dev.jipc.internal.pipe;

import dev.jipc.HandleClosedException;
import dev.jipc.internal.frame.NonBlockingIo;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A child's stdin: writes the non-blocking pipe straight from the caller's array, parking on the
 * reactor while it is full. Unbuffered: when {@code write} returns, the child can read the bytes.
 * {@link #close()} gives the child EOF.
 */
public final class PipeOutputStream extends OutputStream {
    private final GuardedFd fd;
    /** The fd's writes; used under its lock. */
    private final NonBlockingIo io;

    public PipeOutputStream(int fd) {
        this.fd = new GuardedFd(fd);
        this.io = NonBlockingIo.forStream(fd, this.fd);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /**
     * @throws InterruptedIOException if interrupted while the pipe is full; its
     *     {@code bytesTransferred} says how many bytes the child can read, so that a retry of the
     *     rest sends each byte once
     */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int written = 0;
        try {
            fd.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before writing to the child");
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        }
        try {
            while (written < len) {
                int n = io.write(b, off + written, len - written, true);
                if (n == NonBlockingIo.PEER_CLOSED) {
                    throw new IOException("Broken pipe: the child closed its stdin or exited");
                }
                written += n;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while writing to the child");
            ie.bytesTransferred = written;
            throw ie;
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        } finally {
            fd.release();
        }
    }

    /** Closes the fd: the child reads end of file. Idempotent. */
    @Override
    public void close() {
        fd.close();
    }
}
