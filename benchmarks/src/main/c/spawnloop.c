/*
 * The spawn workload's C baseline: posix_spawn of PROGRAM with stdin and stdout on /dev/null
 * (stderr inherited, as jipc's DISCARD contender has them), then waitpid, N times in a row.
 * Prints the nanoseconds the N spawns took, timed inside the loop, so its own start is not
 * counted. SpawnInterleaved runs it in blocks between jipc's and ProcessBuilder's.
 *
 *   spawnloop PROGRAM N
 *
 * Compiled by benchmarks/run: cc -O2 -o benchmarks/target/spawnloop benchmarks/src/main/c/spawnloop.c
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: spawnloop PROGRAM N\n");
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    char *child_argv[] = {argv[1], NULL};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    uint64_t start = now_ns();
    for (long i = 0; i < n; i++) {
        pid_t pid;
        int err = posix_spawn(&pid, argv[1], &actions, NULL, child_argv, environ);
        if (err != 0) {
            fprintf(stderr, "posix_spawn %s: error %d\n", argv[1], err);
            return 1;
        }
        int status;
        if (waitpid(pid, &status, 0) != pid) {
            perror("waitpid");
            return 1;
        }
    }
    printf("%llu\n", (unsigned long long) (now_ns() - start));
    posix_spawn_file_actions_destroy(&actions);
    return 0;
}
