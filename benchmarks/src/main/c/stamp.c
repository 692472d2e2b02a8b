/*
 * The exit-latency workload's child. Writes "r" to stdout (ready), blocks reading one byte from
 * stdin, then writes its CLOCK_MONOTONIC time in ns (8 bytes, little-endian) to stdout and calls
 * _exit(0) at once. On Linux the JVM's System.nanoTime() is CLOCK_MONOTONIC, so the parent gets
 * the latency from this exit to its onExit() completing as (its nanoTime then) - (this stamp).
 *
 * Compiled by benchmarks/run: cc -O2 -o benchmarks/target/stamp benchmarks/src/main/c/stamp.c
 */
#include <stdint.h>
#include <time.h>
#include <unistd.h>

static int write_all(const unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(1, p, n);
        if (w < 0) {
            return -1;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

int main(void) {
    unsigned char c;
    if (write_all((const unsigned char *) "r", 1) != 0) {
        _exit(2);
    }
    if (read(0, &c, 1) != 1) {
        _exit(3);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t ns = (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
    unsigned char out[8];
    for (int i = 0; i < 8; i++) {
        out[i] = (unsigned char) (ns >> (8 * i));
    }
    if (write_all(out, 8) != 0) {
        _exit(4);
    }
    _exit(0);
}
