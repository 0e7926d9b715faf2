/* Baseline for notebook 05 and the C# figures: a System V message queue, measured in C.
 *   msgq_bench roundtrip N CPU         64-byte request (type 1) and reply (type 2) through one queue;
 *                                      prints: median_us p99_us
 *   msgq_bench stream TOTAL SIZE CPU   a child sends TOTAL bytes in SIZE-byte messages; the parent receives;
 *                                      prints: MB/s (the clock starts at the first message received)
 *   msgq_bench plateau                 fills a new queue and a new pipe without a reader (non-blocking),
 *                                      prints: queue_bytes queue_messages msg_qbytes pipe_bytes
 * CPU < 0: unpinned. Every queue is created IPC_PRIVATE, 0600, and removed (IPC_RMID) on every path. */
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
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/wait.h>

#define MAXMSG 8192

struct message { long type; char text[MAXMSG]; };

static int queue = -1;
static pid_t child = -1;

static void cleanup(void)
{
    if (child > 0) { kill(child, SIGKILL); waitpid(child, NULL, 0); child = -1; }
    if (queue >= 0) { msgctl(queue, IPC_RMID, NULL); queue = -1; }
}

static void die(const char *what)
{
    perror(what);
    cleanup();
    exit(1);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void pin(int cpu)
{
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

static void make_queue(void)
{
    queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (queue < 0) die("msgget");
}

static int roundtrip(int n, int cpu)
{
    int warm = n / 10 + 10;
    static struct message m;
    pin(cpu);
    make_queue();
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        /* echo: take a request (type 1), send it back as a reply (type 2) */
        for (int i = 0; i < n + warm; i++) {
            if (msgrcv(queue, &m, 64, 1, 0) != 64) _exit(1);
            m.type = 2;
            if (msgsnd(queue, &m, 64, 0) != 0) _exit(1);
        }
        _exit(0);
    }
    double *t = malloc(sizeof(double) * (size_t)n);
    memset(m.text, 'x', 64);
    for (int i = 0; i < n + warm; i++) {
        double start = now_us();
        m.type = 1;
        if (msgsnd(queue, &m, 64, 0) != 0) die("msgsnd");
        if (msgrcv(queue, &m, 64, 2, 0) != 64) die("msgrcv");
        if (i >= warm) t[i - warm] = now_us() - start;
    }
    waitpid(child, NULL, 0);
    child = -1;
    cleanup();
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.3f %.3f\n", t[n / 2], t[(int)(n * 0.99)]);
    free(t);
    return 0;
}

static int stream(long total, int size, int cpu)
{
    static struct message m;
    if (size < 1 || size > MAXMSG) { fprintf(stderr, "SIZE is 1 to %d\n", MAXMSG); return 2; }
    pin(cpu);
    make_queue();
    long count = total / size;
    child = fork();
    if (child < 0) die("fork");
    if (child == 0) {
        m.type = 1;
        memset(m.text, 'x', (size_t)size);
        for (long i = 0; i < count; i++)
            if (msgsnd(queue, &m, (size_t)size, 0) != 0) _exit(1);
        _exit(0);
    }
    if (msgrcv(queue, &m, MAXMSG, 0, 0) < 0) die("msgrcv");
    double start = now_us();
    long received = 0;
    for (long i = 1; i < count; i++) {
        ssize_t r = msgrcv(queue, &m, MAXMSG, 0, 0);
        if (r < 0) die("msgrcv");
        received += r;
    }
    double us = now_us() - start;
    waitpid(child, NULL, 0);
    child = -1;
    cleanup();
    printf("%.1f\n", received / us);   /* bytes per µs = MB/s */
    return 0;
}

static int plateau(void)
{
    static struct message m;
    make_queue();
    m.type = 1;
    long messages = 0;
    while (msgsnd(queue, &m, 1024, IPC_NOWAIT) == 0) messages++;
    if (errno != EAGAIN) die("msgsnd");
    struct msqid_ds ds;
    if (msgctl(queue, IPC_STAT, &ds) != 0) die("msgctl");
    int p[2];
    if (pipe2(p, O_NONBLOCK) != 0) die("pipe2");
    static char chunk[1024];
    while (write(p[1], chunk, sizeof chunk) > 0) {}
    int in_pipe = 0;
    ioctl(p[0], FIONREAD, &in_pipe);
    close(p[0]);
    close(p[1]);
    printf("%lu %lu %lu %d\n", (unsigned long)ds.__msg_cbytes, (unsigned long)ds.msg_qnum, (unsigned long)ds.msg_qbytes, in_pipe);
    cleanup();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "roundtrip") == 0) return roundtrip(atoi(argv[2]), atoi(argv[3]));
    if (argc >= 5 && strcmp(argv[1], "stream") == 0) return stream(atol(argv[2]), atoi(argv[3]), atoi(argv[4]));
    if (argc >= 2 && strcmp(argv[1], "plateau") == 0) return plateau();
    fprintf(stderr, "usage: %s roundtrip N CPU | stream TOTAL SIZE CPU | plateau\n", argv[0]);
    return 2;
}
