package dev.jipc.internal.pipe;

import static dev.jipc.internal.frame.Readiness.NO_DEADLINE;

import dev.jipc.HandleClosedException;
import dev.jipc.internal.posix.CallState;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.LazySegment;
import dev.jipc.internal.posix.Posix;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * A child's stdin: writes the non-blocking pipe, parking on the reactor while it is full. Unbuffered:
 * when {@code write} returns, the child can read the bytes. {@link #close()} gives the child EOF.
 */
public final class PipeOutputStream extends OutputStream {
    private static final int CHUNK = 64 * 1024;

    private final Endpoint endpoint;
    /** errno of writes; used under the lock. */
    private final CallState state = new CallState();
    /** Staging for write(2); used under the lock. */
    private final LazySegment staging = new LazySegment(CHUNK);

    public PipeOutputStream(int fd) {
        this.endpoint = new Endpoint(fd);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int written = 0;
        try {
            endpoint.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted before writing to the child");
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        }
        try {
            MemorySegment buffer = staging.get();
            while (written < len) {
                int chunk = Math.min(len - written, CHUNK);
                MemorySegment.copy(b, off + written, buffer, ValueLayout.JAVA_BYTE, 0, chunk);
                int pos = 0;
                while (pos < chunk) {
                    long n = Posix.write(state, endpoint.fd, buffer.asSlice(pos), chunk - pos);
                    if (n > 0) {
                        pos += (int) n;
                    } else if (-n == Posix.EAGAIN) {
                        endpoint.await(Posix.POLLOUT, NO_DEADLINE, true);
                    } else if (-n == Posix.EPIPE) {
                        throw new IOException("Broken pipe: the child closed its stdin or exited");
                    } else if (-n != Posix.EINTR) {
                        throw new IOException(new ErrnoException("write(" + endpoint.fd + ")", (int) -n).getMessage());
                    }
                }
                written += chunk;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            InterruptedIOException ie = new InterruptedIOException("interrupted while writing to the child");
            ie.bytesTransferred = written;
            throw ie;
        } catch (HandleClosedException e) {
            throw new IOException("Stream closed", e);
        } catch (TimeoutException e) {
            throw new AssertionError("no deadline was given", e);
        } finally {
            endpoint.release();
        }
    }

    /** Closes the fd: the child reads end of file. Idempotent. */
    @Override
    public void close() {
        endpoint.close();
    }
}
