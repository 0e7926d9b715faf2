/* signal_fixed.c — signal.c repaired. The same four lines, but:
 *   - sigaction() instead of signal(): what happens after the first delivery is then written down, not
 *     left to the system (System V's signal() resets the handler to SIG_DFL);
 *   - the handler does one async-signal-safe thing: it sets a flag of type volatile sig_atomic_t. The
 *     printing and the clean-up happen in main, outside the handler, where any function may be called;
 *   - no exit(-1) (which the parent reads as 255): after its clean-up the program restores SIGINT's default
 *     action and raises it again, so its parent — a shell, a notebook — sees "killed by SIGINT", as it would
 *     for a program that did not catch it (the .NET runtime ends the same way). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t got_sigint;

static void int_handler(int signum)
{
    (void)signum;
    got_sigint = 1;   /* the only thing a handler may safely do with the rest of the program */
}

int main(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = int_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* sleep() is never restarted after a handler, SA_RESTART or not (signal(7)) */
    if (sigaction(SIGINT, &sa, NULL) == -1) { perror("sigaction"); return 1; }
    printf("int_handler set for SIGINT\n");

    while (!got_sigint)
    {
        printf("go to sleep.\n");
        sleep(60);    /* returns early when a caught signal interrupts it; then the loop sees the flag */
    }

    printf("\nSIGINT signal handler.\n");
    printf("exit.\n");
    fflush(stdout);   /* raise() below kills without flushing stdio: write out what is buffered first */
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
    return 1;         /* not reached */
}
