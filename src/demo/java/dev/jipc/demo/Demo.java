package dev.jipc.demo;

import dev.jipc.Codec;
import dev.jipc.DuplexHandle;
import dev.jipc.DuplexPipe;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import java.util.List;
import java.util.Map;

/**
 * What jipc does, with numbers: messages between virtual threads, a child JVM, native commands.
 * Run it with {@code ./mvnw -q test-compile exec:exec}.
 */
public final class Demo {

    public static void main(String[] args) throws Exception {
        System.out.println("jipc demo on " + System.getProperty("java.vm.name") + " "
                + Runtime.version() + ", " + Runtime.getRuntime().availableProcessors() + " cpus");

        try (Pipe<Object> pipe = Jipc.pipe()) {
            Thread.startVirtualThread(() -> {
                try {
                    pipe.writer().put(Map.of("hello", List.of(1, 2, 3)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            System.out.println("a virtual thread sent: " + pipe.reader().get());
        }

        try (DuplexPipe<String> duplex = Jipc.duplexPipe(Codec.fory())) {
            DuplexHandle<String> here = duplex.first();
            DuplexHandle<String> there = duplex.second();
            Thread.startVirtualThread(() -> {
                try {
                    there.put(there.get().replace('i', 'o'));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            here.put("ping");
            System.out.println("duplex echo: ping -> " + here.get());
        }

        System.out.println();
        System.out.println("throughput, one writer and one reader virtual thread, Codec.raw():");
        throughput(64, 2_000_000);
        throughput(64 * 1024, 40_000);

        System.out.println();
        childJvm();
        nativeCommands();
    }

    /** The gipc README example, then a duplex echo with a child JVM. */
    private static void childJvm() throws Exception {
        try (Pipe<Integer> pipe = Jipc.pipe()) {
            dev.jipc.PipeReader<Integer> reader = pipe.reader();
            dev.jipc.ChildProcess child = Jipc.startProcess(() -> {
                if (reader.get() != 0) throw new AssertionError();
            });
            pipe.writer().putAsync(0);
            child.join();
            System.out.println("gipc's example: " + child.name() + " (pid " + child.pid() + ") exited with "
                    + child.exitCode().getAsInt());
        }
        try (DuplexPipe<byte[]> duplex = Jipc.duplexPipe(Codec.raw())) {
            DuplexHandle<byte[]> remote = duplex.second();
            long start = System.nanoTime();
            dev.jipc.ChildProcess echo = Jipc.startProcess(() -> {
                remote.put(new byte[0]); // "ready"
                byte[] m;
                while ((m = remote.get()).length > 0) {
                    remote.put(m);
                }
            });
            duplex.first().get();
            System.out.printf("child JVM started and sent its first message in %.0f ms%n",
                    (System.nanoTime() - start) / 1e6);
            byte[] ping = new byte[64];
            int rounds = 50_000;
            start = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                duplex.first().put(ping);
                duplex.first().get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("ping-pong with the child, 64 B: %,.0f round trips/s (%.1f us each)%n",
                    rounds / seconds, seconds / rounds * 1e6);
            duplex.first().put(new byte[0]);
            echo.join();
        }
    }

    /** Native children: output through a cooperative stream, and the spawn rate. */
    private static void nativeCommands() throws Exception {
        try (dev.jipc.Subprocess uname = Jipc.spawn("uname", "-srm")) {
            String out = new String(uname.stdout().readAllBytes()).trim();
            uname.join();
            System.out.println("spawn(\"uname\", \"-srm\") said: " + out);
        }
        int count = 500;
        dev.jipc.SpawnOptions quiet = dev.jipc.SpawnOptions.defaults()
                .withStdin(dev.jipc.SpawnOptions.Redirect.DISCARD).withStdout(dev.jipc.SpawnOptions.Redirect.DISCARD);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            Jipc.spawn(quiet, "true").join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("spawn(\"true\") and wait for its exit: %,.0f per second%n", count / seconds);
    }

    private static void throughput(int size, int count) throws Exception {
        try (Pipe<byte[]> pipe = Jipc.pipe(Codec.raw())) {
            byte[] message = new byte[size];
            run(pipe, message, count / 10); // warm-up: JIT and pipe buffers
            long start = System.nanoTime();
            run(pipe, message, count);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("  %,7d B messages: %,12.0f messages/s %,9.1f MB/s%n",
                    size, count / seconds, count * (double) size / seconds / 1e6);
        }
    }

    private static void run(Pipe<byte[]> pipe, byte[] message, int count) throws Exception {
        Thread writer = Thread.startVirtualThread(() -> {
            try {
                for (int i = 0; i < count; i++) {
                    pipe.writer().put(message);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < count; i++) {
            pipe.reader().get();
        }
        writer.join();
    }
}
