/*
 * The exit-latency workload's C baseline: what one wake-up costs with no runtime in between.
 * Spawns the stamp child N times; each time it waits for "r", opens a pidfd, writes the byte that
 * makes the child stamp its CLOCK_MONOTONIC time and _exit, blocks in poll(2) on the pidfd, reaps
 * it when poll returns (waitpid), takes its own time, reads the stamp, and prints (its time -
 * stamp) in ns, one line per child. ExitInterleaved runs it in blocks between jipc's and the JDK's.
 *
 *   exitwait STAMP N
 *
 * Compiled by benchmarks/run: cc -O2 -o benchmarks/target/exitwait benchmarks/src/main/c/exitwait.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

extern char **environ;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void read_exactly(int fd, unsigned char *p, size_t n) {
    while (n > 0) {
        ssize_t r = read(fd, p, n);
        if (r <= 0) {
            die("read from the stamp child");
        }
        p += r;
        n -= (size_t) r;
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: exitwait STAMP N\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    char *child_argv[] = {argv[1], NULL};
    for (long i = 0; i < n; i++) {
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
            die("pipe2");
        }
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, in[0], 0);
        posix_spawn_file_actions_adddup2(&actions, out[1], 1);
        pid_t pid;
        if (posix_spawn(&pid, argv[1], &actions, NULL, child_argv, environ) != 0) {
            die("posix_spawn");
        }
        posix_spawn_file_actions_destroy(&actions);
        close(in[0]);
        close(out[1]);
        unsigned char c;
        read_exactly(out[0], &c, 1);
        int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (pidfd < 0) {
            die("pidfd_open");
        }
        c = 1;
        if (write(in[1], &c, 1) != 1) {
            die("write to the stamp child");
        }
        struct pollfd p = {.fd = pidfd, .events = POLLIN};
        if (poll(&p, 1, -1) != 1) {
            die("poll");
        }
        if (waitpid(pid, NULL, 0) != pid) {
            die("waitpid");
        }
        uint64_t woke = now_ns(); // after the reap: it knows the exit status, as onExit() and join() do
        unsigned char stamp[8];
        read_exactly(out[0], stamp, 8);
        uint64_t exited = 0;
        for (int b = 0; b < 8; b++) {
            exited |= (uint64_t) stamp[b] << (8 * b);
        }
        printf("%llu\n", (unsigned long long) (woke - exited));
        close(pidfd);
        close(in[1]);
        close(out[0]);
    }
    return 0;
}
