package dev.jipc.internal.spawn;

import dev.jipc.IpcException;
import dev.jipc.SpawnOptions;
import dev.jipc.SpawnOptions.Redirect;
import dev.jipc.Subprocess;
import dev.jipc.internal.jfr.Jfr;
import dev.jipc.internal.pipe.PipeInputStream;
import dev.jipc.internal.pipe.PipeOutputStream;
import dev.jipc.internal.posix.ErrnoException;
import dev.jipc.internal.posix.Posix;
import dev.jipc.internal.posix.Spawn;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@code Jipc.spawn}: pipes for the PIPE streams, one posix_spawn, then the supervisor. */
public final class NativeLauncher {

    private NativeLauncher() {
    }

    public static Subprocess spawn(SpawnOptions options, String... command) {
        Objects.requireNonNull(options, "options");
        List<String> argv = List.of(Objects.requireNonNull(command, "command")); // rejects null elements
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("the command is empty: give at least the program to run");
        }
        Object started = Jfr.childStarting();
        List<Integer> opened = new ArrayList<>();
        try {
            int[] in;
            int[] out;
            int[] err;
            try {
                in = stream(options.stdin(), 0, opened);
                out = stream(options.stdout(), 1, opened);
                err = stream(options.stderr(), 2, opened);
            } catch (IpcException e) { // EMFILE, say: a SpawnException like any other failure to start
                throw SpawnFailures.before(argv, e);
            }
            String program = argv.get(0);
            String directory = options.directory() == null ? null : options.directory().toString();
            int pid;
            try {
                pid = Spawn.spawn(program, !program.contains("/"), argv, environment(options.environment()),
                        directory, new int[] {in[0], out[1], err[1]});
            } catch (ErrnoException e) {
                throw SpawnFailures.of(argv, directory, e);
            }
            // The child has its ends; ours are the other ones.
            closeChildEnd(options.stdin(), in[0], opened);
            closeChildEnd(options.stdout(), out[1], opened);
            closeChildEnd(options.stderr(), err[1], opened);
            opened.clear();
            NativeChild child = new NativeChild(pid, program,
                    options.stdin() == Redirect.PIPE ? new PipeOutputStream(in[1]) : null,
                    options.stdout() == Redirect.PIPE ? new PipeInputStream(out[0]) : null,
                    options.stderr() == Redirect.PIPE ? new PipeInputStream(err[0]) : null);
            Supervisor.watch(child);
            Jfr.childStarted(started, pid, false, program, program, false); // the program only: arguments may be secrets
            return child;
        } finally {
            for (int fd : opened) { // only on failure
                Posix.close(fd);
            }
        }
    }

    /** @return {read, write} ends; for a stream not piped, both are what the child gets at {@code stdFd} */
    private static int[] stream(Redirect redirect, int stdFd, List<Integer> opened) {
        return switch (redirect) {
            case PIPE -> {
                int[] fds = Posix.pipe();
                opened.add(fds[0]);
                opened.add(fds[1]);
                // Programs expect blocking stdio (cat fails on EAGAIN); only our end stays non-blocking.
                Posix.setBlocking(stdFd == 0 ? fds[0] : fds[1]);
                yield fds;
            }
            case INHERIT -> new int[] {stdFd, stdFd};
            case DISCARD -> new int[] {Spawn.DEV_NULL, Spawn.DEV_NULL};
        };
    }

    private static void closeChildEnd(Redirect redirect, int fd, List<Integer> opened) {
        if (redirect == Redirect.PIPE) {
            Posix.close(fd);
            opened.remove(Integer.valueOf(fd));
        }
    }

    /** @return {@code NAME=value} entries, or null to inherit */
    static List<String> environment(Map<String, String> environment) {
        if (environment == null) {
            return null;
        }
        List<String> entries = new ArrayList<>(environment.size());
        environment.forEach((k, v) -> entries.add(k + "=" + v));
        return entries;
    }
}
