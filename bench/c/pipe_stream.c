/* Baseline for C# pipe streaming: a forked child writes TOTAL bytes in writes of SIZE, the parent reads
 * with a 64 KiB buffer until end of file. The clock starts when the first read returns, so the child's
 * start is not counted (the C# child's start is a .NET runtime's, and would swamp the figure).
 * usage: pipe_stream TOTAL SIZE CAPACITY CPU   (CAPACITY 0: the kernel's default; CPU < 0: unpinned)
 * prints: GB/s (1e9 bytes per second), one line */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
    if (argc < 5) { fprintf(stderr, "usage: %s TOTAL SIZE CAPACITY CPU\n", argv[0]); return 2; }
    long long total = atoll(argv[1]);
    size_t size = (size_t)atol(argv[2]);
    int capacity = atoi(argv[3]), cpu = atoi(argv[4]);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) { perror("sched_setaffinity"); return 1; }
    }
    int fds[2];
    if (pipe(fds)) { perror("pipe"); return 1; }
    if (capacity > 0 && fcntl(fds[1], F_SETPIPE_SZ, capacity) < 0) { perror("F_SETPIPE_SZ"); return 1; }
    struct timespec a, b;
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        close(fds[0]);
        char *src = malloc(size);
        memset(src, 'x', size);
        for (long long left = total; left > 0;) {
            size_t want = left < (long long)size ? (size_t)left : size;
            ssize_t w = write(fds[1], src, want);
            if (w <= 0) _exit(1);
            left -= w;
        }
        _exit(0);
    }
    close(fds[1]);
    static char buf[65536];
    ssize_t r = read(fds[0], buf, sizeof buf);
    if (r <= 0) { fprintf(stderr, "no data\n"); return 1; }
    long long first = r, got = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    while ((r = read(fds[0], buf, sizeof buf)) > 0) got += r;
    clock_gettime(CLOCK_MONOTONIC, &b);
    int status;
    waitpid(pid, &status, 0);
    if (first + got != total || !WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "short stream: %lld of %lld\n", got, total); return 1; }
    double s = (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%.3f\n", got / s / 1e9);
    return 0;
}
