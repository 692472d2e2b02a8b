package dev.jipc.internal.posix;

import static dev.jipc.internal.libc.Libc.*;

import dev.jipc.internal.libc.Libc;
import java.lang.foreign.MemorySegment;
import java.util.Map;

/** errno values by name, and their text from {@code strerror}. */
public final class Errno {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM(), "EPERM"), Map.entry(ENOENT(), "ENOENT"), Map.entry(ESRCH(), "ESRCH"),
            Map.entry(EINTR(), "EINTR"), Map.entry(EIO(), "EIO"), Map.entry(ENXIO(), "ENXIO"),
            Map.entry(E2BIG(), "E2BIG"), Map.entry(ENOEXEC(), "ENOEXEC"), Map.entry(EBADF(), "EBADF"),
            Map.entry(ECHILD(), "ECHILD"), Map.entry(EAGAIN(), "EAGAIN"), Map.entry(ENOMEM(), "ENOMEM"),
            Map.entry(EACCES(), "EACCES"), Map.entry(EFAULT(), "EFAULT"), Map.entry(EBUSY(), "EBUSY"),
            Map.entry(EEXIST(), "EEXIST"), Map.entry(ENOTDIR(), "ENOTDIR"), Map.entry(EISDIR(), "EISDIR"),
            Map.entry(EINVAL(), "EINVAL"), Map.entry(ENFILE(), "ENFILE"), Map.entry(EMFILE(), "EMFILE"),
            Map.entry(ENOSPC(), "ENOSPC"), Map.entry(ESPIPE(), "ESPIPE"), Map.entry(EPIPE(), "EPIPE"),
            Map.entry(ENOSYS(), "ENOSYS"), Map.entry(ELOOP(), "ELOOP"),
            Map.entry(ENAMETOOLONG(), "ENAMETOOLONG"), Map.entry(ETXTBSY(), "ETXTBSY"));

    private Errno() {
    }

    /** @return the symbolic name of {@code errno}, or {@code "errno N"} for one not in the table */
    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** @return e.g. {@code "EBADF (Bad file descriptor)"} */
    public static String describe(int errno) {
        return name(errno) + " (" + text(errno) + ")";
    }

    /**
     * @return what a user can do about {@code errno}, as {@code "; ..."} to follow a message, or
     *     "" when it depends on the call
     */
    static String hint(int errno) {
        if (errno == EMFILE()) {
            return "; this process is out of file descriptors: close the pipes and children it no longer"
                    + " needs, or raise its limit (ulimit -n)";
        }
        if (errno == ENFILE()) {
            return "; the system is out of file descriptors: raise fs.file-max or end processes that hold many";
        }
        if (errno == ENOMEM()) {
            return "; the kernel is out of memory for this call: free memory, or retry later";
        }
        return "";
    }

    private static String text(int errno) {
        // glibc's strerror returns a static string for every errno it knows; never freed.
        MemorySegment s = Libc.strerror(errno);
        return s.equals(MemorySegment.NULL) ? "unknown error" : s.reinterpret(Integer.MAX_VALUE).getString(0);
    }
}
