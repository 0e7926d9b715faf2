/* handler_lock.c — why a C handler may call only async-signal-safe functions, shown deterministically.
 *
 * log_line() stands for any library function with a lock inside (malloc, and most of stdio, take one). A
 * signal arrives while main is inside log_line, holding its lock; the handler calls log_line too. A C handler
 * runs on the thread it interrupted, so it waits for a lock that its own thread holds, and that thread cannot
 * go on until the handler returns: a deadlock. Here the signal is sent from inside log_line, so that it always
 * lands at that moment (in a real program it lands there rarely, which is why the bug survives testing);
 * alarm(2) ends the wait after 2 s with SIGALRM, whose default action kills the program.
 *
 * With "self-pipe" the handler only write()s the signal's number into a pipe (write is async-signal-safe);
 * main's loop reads the pipe and calls log_line itself, outside the handler. This is what the .NET runtime
 * does for every signal a C# program catches. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;   /* the default kind: not recursive */
static int self_pipe[2];
static int send_inside_log_line;

static void log_line(const char *text)
{
    pthread_mutex_lock(&log_lock);
    if (send_inside_log_line) {
        send_inside_log_line = 0;
        kill(getpid(), SIGUSR1);   /* the signal arrives now, while this thread holds log_lock */
    }
    printf("%s\n", text);
    pthread_mutex_unlock(&log_lock);
}

static void unsafe_handler(int sig)
{
    (void)sig;
    log_line("handler: logged from inside the handler");   /* waits for log_lock: held by this very thread */
}

static void safe_handler(int sig)
{
    int saved = errno;
    unsigned char number = (unsigned char)sig;
    if (write(self_pipe[1], &number, 1) < 0) { }   /* async-signal-safe; a full pipe just drops the byte */
    errno = saved;
}

static void install(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);   /* a line at a time, so each line reaches the notebook as it is printed */
    int self = argc > 1 && strcmp(argv[1], "self-pipe") == 0;
    if (self) {
        if (pipe2(self_pipe, O_CLOEXEC | O_NONBLOCK) == -1) { perror("pipe2"); return 1; }
        install(safe_handler);
    } else {
        install(unsafe_handler);
    }
    alarm(2);   /* the deadlock, if there is one, ends in 2 s: SIGALRM's default action is Term */

    printf("main: calling log_line; SIGUSR1 will arrive while it holds its lock\n");
    send_inside_log_line = 1;
    log_line("main: log_line returned");
    if (self) {
        unsigned char number;
        while (read(self_pipe[0], &number, 1) == 1) {   /* what the handler wrote: act on it here */
            char text[80];
            snprintf(text, sizeof text, "main: the self-pipe said signal %d; logged outside the handler", number);
            log_line(text);
        }
    }
    log_line("main: done");
    return 0;
}
