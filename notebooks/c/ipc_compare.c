/* The C side of notebook 07's comparison: every mechanism, measured by the same two loops as the C# side
 * (Ipc.Lab.Experiments.Comparison), between this process and a forked child.
 *
 *   ipc_compare roundtrip MECH N CPU DIR          N round trips of one message (64 B; a signal's value 4 B,
 *                                                  an eventfd's count 8 B) after N/10+10 not counted;
 *                                                  prints the 1st, 25th, 50th, 75th, 99th percentile in µs
 *   ipc_compare stream MECH SIZE COUNT CPU DIR    the child sends COUNT messages of SIZE bytes, the parent
 *                                                  receives each; prints MB/s from the first message received
 *   ipc_compare threads N CPU                     the same round trip between two threads of one process: a
 *                                                  64-byte slot, a pthread mutex and a condition variable
 *
 * MECH: pipe fifo shm sysvmq posixmq tcp udp unix signal eventfd. CPU >= 0 pins both processes to that CPU
 * (set before fork, so the child inherits it); CPU < 0 leaves them to the scheduler. DIR holds the FIFOs.
 * Every object is private (0600, IPC_PRIVATE, loopback) and removed before the measurement starts, or at exit. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 16
#define SLOT_SIZE 8192
#define STOP 0xFF

enum mech { PIPE, FIFO, SHM, SYSVMQ, POSIXMQ, TCP, UDP, UNIX_, SIGNAL_, EVENTFD };
static const char *names[] = { "pipe", "fifo", "shm", "sysvmq", "posixmq", "tcp", "udp", "unix", "signal", "eventfd" };

/* A ring of SLOTS slots guarded by two counting semaphores, one ring each way: the bounded buffer. */
struct ring { sem_t empty, full; char slot[SLOTS][SLOT_SIZE]; };
struct msgbuf_ { long type; char text[SLOT_SIZE]; };

static enum mech mech;
static int parent_side;
static int in_fd = -1, out_fd = -1;        /* pipe, FIFO, sockets, eventfd */
static int queue = -1;                      /* System V */
static mqd_t mq_in = -1, mq_out = -1;       /* POSIX */
static struct ring *ring_in, *ring_out;
static long sent, received;
static pid_t peer;
static int carrier;                         /* SIGRTMIN + 2, as in C# */
static pid_t child = -1;

static void die(const char *what)
{
    perror(what);
    if (child > 0) kill(child, SIGKILL);
    if (queue >= 0) msgctl(queue, IPC_RMID, NULL);
    exit(1);
}

static void full_read(int fd, char *buf, size_t n)
{
    for (size_t got = 0; got < n;) {
        ssize_t r = read(fd, buf + got, n - got);
        if (r <= 0) die("read");
        got += (size_t)r;
        if (mech == UDP) return;
    }
}

static void send_msg(char *buf, size_t n)
{
    switch (mech) {
    case SHM:
        while (sem_wait(&ring_out->empty) != 0) if (errno != EINTR) die("sem_wait");
        memcpy(ring_out->slot[sent++ % SLOTS], buf, n);
        sem_post(&ring_out->full);
        break;
    case SYSVMQ: {
        static struct msgbuf_ m;
        m.type = parent_side ? 1 : 2;
        memcpy(m.text, buf, n);
        if (msgsnd(queue, &m, n, 0) != 0) die("msgsnd");
        break;
    }
    case POSIXMQ:
        if (mq_send(mq_out, buf, n, 0) != 0) die("mq_send");
        break;
    case SIGNAL_: {
        int v;
        memcpy(&v, buf, 4);
        if (sigqueue(peer, carrier, (union sigval){ .sival_int = v }) != 0) die("sigqueue");
        break;
    }
    case EVENTFD: {
        uint64_t v = (unsigned char)buf[0];
        if (v == 0) v = 1;
        if (write(out_fd, &v, 8) != 8) die("write eventfd");
        break;
    }
    default:
        for (size_t put = 0; put < n;) {
            ssize_t w = write(out_fd, buf + put, n - put);
            if (w <= 0) die("write");
            put += (size_t)w;
        }
    }
}

static void receive_msg(char *buf, size_t n)
{
    switch (mech) {
    case SHM:
        while (sem_wait(&ring_in->full) != 0) if (errno != EINTR) die("sem_wait");
        memcpy(buf, ring_in->slot[received++ % SLOTS], n);
        sem_post(&ring_in->empty);
        break;
    case SYSVMQ: {
        static struct msgbuf_ m;
        if (msgrcv(queue, &m, n, parent_side ? 2 : 1, 0) != (ssize_t)n) die("msgrcv");
        memcpy(buf, m.text, n);
        break;
    }
    case POSIXMQ: {
        static char m[SLOT_SIZE];
        if (mq_receive(mq_in, m, sizeof m, NULL) != (ssize_t)n) die("mq_receive");
        memcpy(buf, m, n);
        break;
    }
    case SIGNAL_: {
        sigset_t set;
        siginfo_t info;
        sigemptyset(&set);
        sigaddset(&set, carrier);
        while (sigwaitinfo(&set, &info) < 0) if (errno != EINTR) die("sigwaitinfo");
        memcpy(buf, &info.si_value.sival_int, 4);
        break;
    }
    case EVENTFD: {
        uint64_t v;
        if (read(in_fd, &v, 8) != 8) die("read eventfd");
        buf[0] = (char)v;
        break;
    }
    default:
        full_read(in_fd, buf, n);
    }
}

static void loopback_pair(int type, int *a, int *b)
{
    struct sockaddr_in s1 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) }, s2 = s1;
    socklen_t len = sizeof s1;
    if (type == SOCK_STREAM) {
        int l = socket(AF_INET, SOCK_STREAM, 0);
        if (l < 0 || bind(l, (void *)&s1, len) || listen(l, 1) || getsockname(l, (void *)&s1, &len)) die("listen");
        *a = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(*a, (void *)&s1, len)) die("connect");
        *b = accept(l, NULL, NULL);
        close(l);
        int one = 1;
        setsockopt(*a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(*b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    } else {
        *a = socket(AF_INET, SOCK_DGRAM, 0);
        *b = socket(AF_INET, SOCK_DGRAM, 0);
        if (bind(*a, (void *)&s1, len) || bind(*b, (void *)&s2, len)) die("bind");
        getsockname(*a, (void *)&s1, &len);
        getsockname(*b, (void *)&s2, &len);
        if (connect(*a, (void *)&s2, len) || connect(*b, (void *)&s1, len)) die("connect");
    }
}

/* Makes the objects, forks, and leaves each side with its ends. Returns 1 in the child. */
static int setup(const char *dir)
{
    int p2c[2] = { -1, -1 }, c2p[2] = { -1, -1 };
    char fifo_a[4096], fifo_b[4096];
    struct ring *rings = NULL;
    mqd_t mq_a = -1, mq_b = -1;
    carrier = SIGRTMIN + 2;
    switch (mech) {
    case PIPE:
        if (pipe(p2c) || pipe(c2p)) die("pipe");
        break;
    case FIFO:
        snprintf(fifo_a, sizeof fifo_a, "%s/cmp-c-%d-a", dir, getpid());
        snprintf(fifo_b, sizeof fifo_b, "%s/cmp-c-%d-b", dir, getpid());
        if (mkfifo(fifo_a, 0600) || mkfifo(fifo_b, 0600)) die("mkfifo");
        break;
    case SHM: {
        rings = mmap(NULL, 2 * sizeof(struct ring), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (rings == MAP_FAILED) die("mmap");
        for (int i = 0; i < 2; i++) { sem_init(&rings[i].empty, 1, SLOTS); sem_init(&rings[i].full, 1, 0); }
        break;
    }
    case SYSVMQ:
        if ((queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600)) < 0) die("msgget");
        break;
    case POSIXMQ: {
        char a[64], b[64];
        struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = SLOT_SIZE };
        snprintf(a, sizeof a, "/ipc-lab-cmp-c-%d-a", getpid());
        snprintf(b, sizeof b, "/ipc-lab-cmp-c-%d-b", getpid());
        mq_a = mq_open(a, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        mq_b = mq_open(b, O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
        mq_unlink(a);   /* both processes hold them open through fork: the names are not needed */
        mq_unlink(b);
        if (mq_a == (mqd_t)-1 || mq_b == (mqd_t)-1) die("mq_open");
        break;
    }
    case TCP: loopback_pair(SOCK_STREAM, &p2c[1], &c2p[0]); break;
    case UDP: loopback_pair(SOCK_DGRAM, &p2c[1], &c2p[0]); break;
    case UNIX_: {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) die("socketpair");
        p2c[1] = sv[0];
        c2p[0] = sv[1];
        break;
    }
    case SIGNAL_: {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, carrier);
        sigprocmask(SIG_BLOCK, &set, NULL);   /* before fork: the child inherits the mask */
        break;
    }
    case EVENTFD:
        p2c[0] = p2c[1] = eventfd(0, 0);
        c2p[0] = c2p[1] = eventfd(0, 0);
        if (p2c[0] < 0 || c2p[0] < 0) die("eventfd");
        break;
    }
    pid_t parent = getpid();
    child = fork();
    if (child < 0) die("fork");
    int is_child = child == 0;
    parent_side = !is_child;
    peer = is_child ? parent : child;
    switch (mech) {
    case PIPE: case EVENTFD:
        in_fd = is_child ? p2c[0] : c2p[0];
        out_fd = is_child ? c2p[1] : p2c[1];
        break;
    case TCP: case UDP: case UNIX_:
        /* p2c[1] is the parent's socket, c2p[0] the child's: each closes the other's copy */
        in_fd = out_fd = is_child ? c2p[0] : p2c[1];
        close(is_child ? p2c[1] : c2p[0]);
        break;
    case FIFO:
        /* The same order on both sides: each open waits for the other end's. */
        if (is_child) { out_fd = open(fifo_b, O_WRONLY); in_fd = open(fifo_a, O_RDONLY); }
        else { in_fd = open(fifo_b, O_RDONLY); out_fd = open(fifo_a, O_WRONLY); unlink(fifo_a); unlink(fifo_b); }
        if (in_fd < 0 || out_fd < 0) die("open FIFO");
        break;
    case SHM:
        ring_out = &rings[is_child ? 1 : 0];
        ring_in = &rings[is_child ? 0 : 1];
        break;
    case POSIXMQ:
        mq_out = is_child ? mq_b : mq_a;
        mq_in = is_child ? mq_a : mq_b;
        break;
    default:
        break;
    }
    return is_child;
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

static size_t payload(void) { return mech == SIGNAL_ ? 4 : mech == EVENTFD ? 8 : 64; }

static void finish(void)
{
    int status;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "the child failed (wait status 0x%x)\n", status);
        if (queue >= 0) msgctl(queue, IPC_RMID, NULL);
        exit(1);
    }
    if (queue >= 0) msgctl(queue, IPC_RMID, NULL);
}

static int roundtrip(int n, const char *dir)
{
    char msg[64] = { 0 };
    size_t size = payload();
    if (setup(dir)) {
        for (;;) {
            receive_msg(msg, size);
            if ((unsigned char)msg[0] == STOP) _exit(0);
            send_msg(msg, size);
        }
    }
    int warm = n / 10 + 10;
    double *t = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n + warm; i++) {
        double start = now_us();
        msg[0] = 0;
        send_msg(msg, size);
        receive_msg(msg, size);
        if (i >= warm) t[i - warm] = now_us() - start;
    }
    msg[0] = (char)STOP;
    send_msg(msg, size);
    finish();
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.3f %.3f %.3f %.3f %.3f\n", t[n / 100], t[n / 4], t[n / 2], t[n * 3 / 4], t[(int)(n * 0.99)]);
    free(t);
    return 0;
}

static int stream(int size, long count, const char *dir)
{
    static char msg[SLOT_SIZE];
    if (mech == UDP || mech == SIGNAL_ || mech == EVENTFD || size < 1 || size > SLOT_SIZE) {
        fprintf(stderr, "stream: %s does not stream messages of 1 to %d bytes\n", names[mech], SLOT_SIZE);
        return 2;
    }
    if (setup(dir)) {
        for (long i = 0; i < count; i++) send_msg(msg, (size_t)size);
        _exit(0);
    }
    receive_msg(msg, (size_t)size);
    double start = now_us();
    for (long i = 1; i < count; i++) receive_msg(msg, (size_t)size);
    double us = now_us() - start;
    finish();
    printf("%.1f\n", (double)(count - 1) * size / us);
    return 0;
}

/* Two threads, one slot: turn 0 = the slot is the sender's, 1 = the echo's, 2 = the answer is back. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn;
static char slot[64];

static void *echo_thread(void *arg)
{
    long total = (long)arg;
    char local[64];
    for (long i = 0; i < total; i++) {
        pthread_mutex_lock(&lock);
        while (turn != 1) pthread_cond_wait(&changed, &lock);
        memcpy(local, slot, sizeof local);
        memcpy(slot, local, sizeof slot);
        turn = 2;
        pthread_cond_broadcast(&changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static int threads(int n)
{
    int warm = n / 10 + 10;
    char msg[64] = { 0 };
    pthread_t echo;
    if (pthread_create(&echo, NULL, echo_thread, (void *)(long)(n + warm)) != 0) die("pthread_create");
    double *t = malloc(sizeof(double) * (size_t)n);
    for (int i = 0; i < n + warm; i++) {
        double start = now_us();
        pthread_mutex_lock(&lock);
        memcpy(slot, msg, sizeof slot);
        turn = 1;
        pthread_cond_broadcast(&changed);
        while (turn != 2) pthread_cond_wait(&changed, &lock);
        memcpy(msg, slot, sizeof msg);
        turn = 0;
        pthread_mutex_unlock(&lock);
        if (i >= warm) t[i - warm] = now_us() - start;
    }
    pthread_join(echo, NULL);
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.3f %.3f %.3f %.3f %.3f\n", t[n / 100], t[n / 4], t[n / 2], t[n * 3 / 4], t[(int)(n * 0.99)]);
    free(t);
    return 0;
}

static void pin(int cpu)
{
    if (cpu < 0) return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "threads") == 0) {
        pin(atoi(argv[3]));   /* before pthread_create: the echo thread inherits the CPU */
        return threads(atoi(argv[2]));
    }
    if (argc < 6) goto usage;
    int found = 0;
    for (int i = 0; i < (int)(sizeof names / sizeof *names); i++)
        if (strcmp(argv[2], names[i]) == 0) { mech = (enum mech)i; found = 1; }
    if (!found) goto usage;
    int is_stream = strcmp(argv[1], "stream") == 0;
    if (!is_stream && strcmp(argv[1], "roundtrip") != 0) goto usage;
    if (is_stream && argc < 7) goto usage;
    pin(atoi(argv[is_stream ? 5 : 4]));
    return is_stream ? stream(atoi(argv[3]), atol(argv[4]), argv[6]) : roundtrip(atoi(argv[3]), argv[5]);
usage:
    fprintf(stderr, "usage: %s roundtrip MECH N CPU DIR | stream MECH SIZE COUNT CPU DIR | threads N CPU\n"
                    "MECH: pipe fifo shm sysvmq posixmq tcp udp unix signal eventfd\n", argv[0]);
    return 2;
}
