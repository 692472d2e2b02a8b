package dev.jipc.internal.posix;

import static dev.jipc.internal.libc.Libc.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.jipc.internal.libc.Libc;
import dev.jipc.internal.libc.posix_spawn_file_actions_t;
import dev.jipc.internal.libc.posix_spawnattr_t;
import dev.jipc.internal.libc.sigset_t;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * posix_spawn(3) with the file actions and attributes every jipc child gets:
 *
 * <ul>
 *   <li>child fd {@code i} is {@code fds[i]} of the parent ({@link #DEV_NULL} opens /dev/null),
 *       staged through fds above every source so that no mapping overwrites another's source;
 *   <li>every other fd is closed ({@code closefrom}), whatever its close-on-exec flag;
 *   <li>an optional working directory ({@code chdir} in the child, so a bad one fails the spawn);
 *   <li>every signal's disposition reset to its default and the signal mask emptied: the JVM
 *       blocks and handles signals that a program started from a shell would not expect.
 * </ul>
 *
 * glibc's posix_spawn reports a failed exec or chdir as its return value and reaps the failed
 * child itself, so a failure leaves no zombie.
 */
public final class Spawn {
    /** In {@code fds}: give the child /dev/null at this position. */
    public static final int DEV_NULL = -1;

    private Spawn() {
    }

    /**
     * @param program a path, or with {@code searchPath} a name looked up on the parent's PATH
     * @param argv the whole argument vector, program name first
     * @param environment {@code "NAME=value"} entries, or null to inherit the parent's environment
     * @param directory the working directory, or null for the parent's
     * @param fds the parent fds the child gets as 0, 1, 2, ...
     * @return the child's pid
     * @throws ErrnoException if the child could not be started (its errno names why)
     */
    public static int spawn(String program, boolean searchPath, List<String> argv, List<String> environment,
                            String directory, int[] fds) throws ErrnoException {
        int injected = FaultInjection.errnoFor("posix_spawn");
        if (injected != 0) {
            throw new ErrnoException("posix_spawn", injected);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment actions = posix_spawn_file_actions_t.allocate(arena);
            MemorySegment attributes = posix_spawnattr_t.allocate(arena);
            check("posix_spawn_file_actions_init", posix_spawn_file_actions_init(actions));
            try {
                check("posix_spawnattr_init", posix_spawnattr_init(attributes));
                try {
                    addFdActions(arena, actions, fds);
                    if (directory != null) {
                        check("posix_spawn_file_actions_addchdir_np",
                                posix_spawn_file_actions_addchdir_np(actions, arena.allocateFrom(directory)));
                    }
                    setSignalDefaults(arena, attributes);
                    MemorySegment pid = arena.allocate(JAVA_INT);
                    MemorySegment path = arena.allocateFrom(program);
                    MemorySegment args = strings(arena, argv);
                    MemorySegment env = environment == null ? Libc.environ() : strings(arena, environment);
                    int error = searchPath
                            ? posix_spawnp(pid, path, actions, attributes, args, env)
                            : posix_spawn(pid, path, actions, attributes, args, env);
                    if (error != 0) {
                        throw new ErrnoException("posix_spawn", error);
                    }
                    return pid.get(JAVA_INT, 0);
                } finally {
                    posix_spawnattr_destroy(attributes);
                }
            } finally {
                posix_spawn_file_actions_destroy(actions);
            }
        }
    }

    private static void addFdActions(Arena arena, MemorySegment actions, int[] fds) throws ErrnoException {
        int stage = fds.length;
        for (int fd : fds) {
            stage = Math.max(stage, fd + 1);
        }
        for (int i = 0; i < fds.length; i++) {
            if (fds[i] != DEV_NULL) {
                check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(actions, fds[i], stage + i));
            }
        }
        MemorySegment devNull = arena.allocateFrom("/dev/null");
        for (int i = 0; i < fds.length; i++) {
            int error = fds[i] == DEV_NULL
                    ? posix_spawn_file_actions_addopen(actions, i, devNull, O_RDWR(), 0)
                    : posix_spawn_file_actions_adddup2(actions, stage + i, i);
            check("posix_spawn_file_actions_add", error);
        }
        check("posix_spawn_file_actions_addclosefrom_np", posix_spawn_file_actions_addclosefrom_np(actions, fds.length));
    }

    private static void setSignalDefaults(Arena arena, MemorySegment attributes) throws ErrnoException {
        // Every bit set, not sigfillset: that leaves out glibc's internal signals 32 and 33, which
        // glibc's spawn helper then leaves ignored in the child, and an ignored signal survives exec.
        MemorySegment all = sigset_t.allocate(arena).fill((byte) 0xff);
        MemorySegment none = sigset_t.allocate(arena);
        check("sigemptyset", sigemptyset(none) == 0 ? 0 : EINVAL());
        check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(attributes, all));
        check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(attributes, none));
        check("posix_spawnattr_setflags", posix_spawnattr_setflags(attributes,
                (short) (POSIX_SPAWN_SETSIGDEF() | POSIX_SPAWN_SETSIGMASK())));
    }

    /** A NULL-terminated {@code char *[]}. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ADDRESS, values.size() + 1);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    private static void check(String call, int error) throws ErrnoException {
        if (error != 0) {
            throw new ErrnoException(call, error);
        }
    }
}
