/* signal.c — the lecture's program, as the slide shows it: a handler for SIGINT that prints and exits, and a
 * main that sleeps. Notebook 03 compiles it, plays the keyboard (sends SIGINT once the handler is installed
 * and main is asleep) and prints its output next to the C# version's.
 *
 * What it gets wrong is left in on purpose — the notebook shows each: signal() instead of sigaction(),
 * printf and exit (not async-signal-safe) in the handler, and exit(-1), which the parent reads as 255.
 * See signal_fixed.c for the repaired program. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void int_handler(int signum)
{
    (void)signum;   /* unused, as in the slide; the cast only keeps gcc -Wextra quiet */
    printf("\nSIGINT signal handler.\n");
    printf("exit.\n");
    exit(-1);
}

int main(void)
{
    signal(SIGINT, int_handler);
    printf("int_handler set for SIGINT\n");

    while (1)
    {
        printf("go to sleep.\n");
        sleep(60);
    }

    return 0;
}
