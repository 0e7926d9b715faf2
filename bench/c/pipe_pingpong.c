/* Baseline for the C# ping-pong: parent and forked child bounce a 64-byte message through two pipes.
 * usage: pipe_pingpong ITERATIONS CPU   (CPU < 0: unpinned)
 * prints: median_us p99_us   (one line, parsed by Ipc.Lab.Benchmarks) */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#define MSG 64

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Loops until all bytes came: a pipe read may be short, and a short read would skew the round trip. */
static int read_full(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) return -1;
        got += (size_t)r;
    }
    return 0;
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: %s ITERATIONS CPU\n", argv[0]); return 2; }
    int n = atoi(argv[1]), cpu = atoi(argv[2]), warm = n / 10 + 10;
    if (cpu >= 0) {
        /* Before fork, so the child inherits the same single CPU: the measured cost is then the
         * context switch, not a cross-CPU wake-up. */
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) { perror("sched_setaffinity"); return 1; }
    }
    int to_child[2], to_parent[2];
    if (pipe(to_child) || pipe(to_parent)) { perror("pipe"); return 1; }
    char buf[MSG];
    memset(buf, 'x', sizeof buf);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        for (int i = 0; i < n + warm; i++) {
            if (read_full(to_child[0], buf, MSG) || write(to_parent[1], buf, MSG) != MSG) _exit(1);
        }
        _exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    double *t = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n + warm; i++) {
        double start = now_us();
        if (write(to_child[1], buf, MSG) != MSG || read_full(to_parent[0], buf, MSG)) { perror("ping-pong"); return 1; }
        if (i >= warm) t[i - warm] = now_us() - start;
    }
    int status;
    waitpid(pid, &status, 0);
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.3f %.3f\n", t[n / 2], t[(int)(n * 0.99)]);
    return 0;
}
