/* pipe_fixed.c — pipe.c mended, as Notebook 01's C# fix does it:
 *   - no sleep(1): read(2) already waits until there is data;
 *   - the parent closes its write end right after fork(), so that end of file can come;
 *   - read until end of file (read returns 0), since one read may return only part of what was written;
 *   - the buffer is terminated where the data ends, so %s prints what was read and nothing more;
 *   - every call's failure is reported, and the child's exit status is checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    int pfds[2];
    if (pipe(pfds) == -1) { perror("pipe"); return 1; }

    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }

    if (pid == 0) {
        close(pfds[0]);                          /* the child only writes */
        printf("Child: writing to the pipe\n");
        const char message[] = "Hello";
        if (write(pfds[1], message, strlen(message)) != (ssize_t)strlen(message)) { perror("Child: write"); _exit(1); }
        printf("Child: exiting\n");
        fflush(stdout);                          /* _exit does not flush stdio */
        _exit(0);                                /* exiting closes the write end: the parent's end of file */
    }

    close(pfds[1]);                              /* the parent only reads: without this, no end of file */
    printf("Parent: reading from pipe\n");
    char buf[30];
    size_t got = 0;
    for (;;) {
        ssize_t n = read(pfds[0], buf + got, sizeof buf - 1 - got);
        if (n == -1 && errno == EINTR) continue;
        if (n == -1) { perror("Parent: read"); return 1; }
        if (n == 0 || (got += (size_t)n) == sizeof buf - 1) break;   /* end of file, or the buffer is full */
    }
    buf[got] = '\0';
    close(pfds[0]);
    printf("Parent: read \"%s\"\n", buf);

    int status;
    if (waitpid(pid, &status, 0) == -1) { perror("waitpid"); return 1; }
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
