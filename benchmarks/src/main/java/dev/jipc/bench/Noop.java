package dev.jipc.bench;

/** The bare-JVM baseline of the child-start workload: writes one byte to stdout and exits. */
public final class Noop {
    private Noop() {
    }

    public static void main(String[] args) {
        System.out.write('!');
        System.out.flush();
    }
}
