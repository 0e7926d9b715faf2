/* sigaction.c — what the fields of struct sigaction change, in C, where a handler really interrupts the
 * program (a .NET handler never does: it runs later, on another thread). Notebook 03 compiles and runs it.
 *
 *   1. SA_RESTART: a signal arrives while read(2) waits on an empty pipe. Without the flag, read fails with
 *      EINTR; with it, the kernel restarts the read, which then returns the byte written later.
 *   2. SA_SIGINFO: the handler gets a siginfo_t: who sent the signal (si_pid) and how (si_code).
 *   3. sa_mask: SIGUSR2 arrives while the SIGUSR1 handler runs. Without it in sa_mask, the SIGUSR2 handler
 *      interrupts the SIGUSR1 handler; with it, SIGUSR2 waits until the SIGUSR1 handler has returned.
 *
 * Handlers call only async-signal-safe functions (write, nanosleep); every wait is bounded by the child,
 * which always writes and exits. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t sender_pid, sender_code;

static void on_usr1_info(int sig, siginfo_t *info, void *context)
{
    (void)sig; (void)context;
    sender_pid = info->si_pid;
    sender_code = info->si_code;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&t, &t) == -1 && errno == EINTR) { }
}

/* Reads one byte from an empty pipe; a child sends SIGUSR1 after 100 ms and writes the byte after 300 ms. */
static void read_through_a_signal(int flags, const char *label)
{
    int fd[2];
    if (pipe(fd) == -1) { perror("pipe"); return; }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1_info;
    sa.sa_flags = SA_SIGINFO | flags;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGUSR1, &sa, NULL);
    sender_pid = 0;

    pid_t child = fork();
    if (child == 0) {
        close(fd[0]);
        sleep_ms(100);
        kill(getppid(), SIGUSR1);
        sleep_ms(200);
        if (write(fd[1], "x", 1) != 1) _exit(1);
        _exit(0);
    }
    close(fd[1]);
    char c;
    ssize_t n = read(fd[0], &c, 1);
    int saved = errno;
    printf("%-26s read returned %zd%s; the handler saw si_pid %s, si_code %s\n", label, n,
           n < 0 ? (saved == EINTR ? " (errno EINTR)" : " (another errno)") : " (the byte)",
           sender_pid == child ? "= the child" : "= someone else", sender_code == SI_USER ? "SI_USER (kill)" : "other");
    waitpid(child, NULL, 0);
    close(fd[0]);
}

static void say(const char *text) { if (write(STDOUT_FILENO, text, strlen(text)) < 0) { } }

static void on_usr1_slow(int sig)
{
    int saved = errno;   /* a handler must leave errno as it found it */
    (void)sig;
    say("    USR1 handler: start\n");
    sleep_ms(200);
    say("    USR1 handler: end\n");
    errno = saved;
}
static void on_usr2(int sig) { (void)sig; say("    USR2 handler\n"); }

/* SIGUSR1, then SIGUSR2 50 ms later, while the SIGUSR1 handler still sleeps. */
static void usr2_during_usr1(int mask_usr2, const char *label)
{
    struct sigaction sa1, sa2;
    memset(&sa1, 0, sizeof sa1);
    memset(&sa2, 0, sizeof sa2);
    sa1.sa_handler = on_usr1_slow;
    sigemptyset(&sa1.sa_mask);
    if (mask_usr2) sigaddset(&sa1.sa_mask, SIGUSR2);
    sa2.sa_handler = on_usr2;
    sigemptyset(&sa2.sa_mask);
    sigaction(SIGUSR1, &sa1, NULL);
    sigaction(SIGUSR2, &sa2, NULL);

    printf("%s\n", label);
    pid_t child = fork();
    if (child == 0) {
        kill(getppid(), SIGUSR1);
        sleep_ms(50);
        kill(getppid(), SIGUSR2);
        _exit(0);
    }
    /* Wait for the child; both handlers run during this wait (waitpid is restarted or retried). */
    while (waitpid(child, NULL, 0) == -1 && errno == EINTR) { }
    sleep_ms(300);   /* a held SIGUSR2 is delivered once the USR1 handler returns, within this time */
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);   /* handlers write(2) directly: keep printf's lines in order with theirs */
    read_through_a_signal(0, "SA_SIGINFO:");
    read_through_a_signal(SA_RESTART, "SA_SIGINFO | SA_RESTART:");
    usr2_during_usr1(0, "sa_mask empty:");
    usr2_during_usr1(1, "sa_mask = { SIGUSR2 }:");
    return 0;
}
