/* Baseline for C# pipe streaming: a forked child writes in writes of SIZE until the parent closes the pipe;
 * the parent reads with a 64 KiB buffer. The parent first reads (and discards) for WARMUP_MS milliseconds,
 * then times the next TOTAL bytes: the same warm-up the C# run needs for .NET's tiered JIT, given to C too,
 * so both columns time a stream already flowing.
 * usage: pipe_stream TOTAL SIZE CAPACITY CPU WARMUP_MS   (CAPACITY 0: the kernel's default; CPU < 0: unpinned)
 * prints: GB/s (1e9 bytes per second), one line */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 6) { fprintf(stderr, "usage: %s TOTAL SIZE CAPACITY CPU WARMUP_MS\n", argv[0]); return 2; }
    long long total = atoll(argv[1]);
    size_t size = (size_t)atol(argv[2]);
    int capacity = atoi(argv[3]), cpu = atoi(argv[4]);
    double warmup = atoi(argv[5]) / 1000.0;
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) { perror("sched_setaffinity"); return 1; }
    }
    int fds[2];
    if (pipe(fds)) { perror("pipe"); return 1; }
    if (capacity > 0 && fcntl(fds[1], F_SETPIPE_SZ, capacity) < 0) { perror("F_SETPIPE_SZ"); return 1; }
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        close(fds[0]);
        signal(SIGPIPE, SIG_IGN);   /* the end is EPIPE, as in C#, where .NET ignores SIGPIPE */
        char *src = malloc(size);
        memset(src, 'x', size);
        for (;;) {
            ssize_t w = write(fds[1], src, size);
            if (w < 0) _exit(errno == EPIPE ? 0 : 1);
        }
    }
    close(fds[1]);
    static char buf[65536];
    ssize_t r;
    double start = now();
    while (now() - start < warmup)
        if ((r = read(fds[0], buf, sizeof buf)) <= 0) { fprintf(stderr, "the writer stopped during the warm-up\n"); return 1; }
    long long got = 0;
    double a = now();
    while (got < total) {
        if ((r = read(fds[0], buf, sizeof buf)) <= 0) { fprintf(stderr, "short stream: %lld of %lld\n", got, total); return 1; }
        got += r;
    }
    double b = now();
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) { fprintf(stderr, "the writer failed\n"); return 1; }
    printf("%.3f\n", got / (b - a) / 1e9);
    return 0;
}
