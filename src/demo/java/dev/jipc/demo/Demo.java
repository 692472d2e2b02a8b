package dev.jipc.demo;

import dev.jipc.Codec;
import dev.jipc.DuplexHandle;
import dev.jipc.DuplexPipe;
import dev.jipc.Jipc;
import dev.jipc.Pipe;
import java.util.List;
import java.util.Map;

/**
 * What jipc does today, with numbers: messages between virtual threads over OS pipes.
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
