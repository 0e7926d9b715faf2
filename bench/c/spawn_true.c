/* The floor for starting any process here: posix_spawn of /bin/true, then waitpid.
 * usage: spawn_true ITERATIONS
 * prints: median_ms p99_ms, one line */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/wait.h>

extern char **environ;

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 100;
    double *t = malloc(sizeof(double) * (size_t)n);
    char *args[] = { "/bin/true", NULL };
    for (int i = 0; i < n; i++) {
        struct timespec a, b;
        pid_t pid;
        int status;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (posix_spawn(&pid, "/bin/true", NULL, NULL, args, environ) != 0) { perror("posix_spawn"); return 1; }
        if (waitpid(pid, &status, 0) != pid) { perror("waitpid"); return 1; }
        clock_gettime(CLOCK_MONOTONIC, &b);
        t[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    }
    qsort(t, (size_t)n, sizeof(double), cmp);
    printf("%.3f %.3f\n", t[n / 2], t[(int)(n * 0.99)]);
    return 0;
}
