/* fruit_plate_processes.c — the fruit plate repaired, and made inter-process: four processes from fork(),
 * the plate and the three semaphores in one MAP_SHARED mapping, so that all four see the same memory, and
 * sem_init(&s, 1, n): pshared 1, "shared between processes", which a semaphore in shared memory needs. The
 * parent waits for its four children with waitpid instead of spinning, and every P is a sem_timedwait that
 * gives up after 10 s and says so, instead of waiting for ever. */
#define _GNU_SOURCE
#include <errno.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct shared {
    sem_t s1, s2, s3;     /* pear on the plate, apple on the plate, space on the plate */
    char plate[8];
};

static struct shared *sh;

static void p(sem_t *s, const char *who, const char *what)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);   /* sem_timedwait's deadline is on CLOCK_REALTIME */
    until.tv_sec += 10;
    while (sem_timedwait(s, &until) == -1) {
        if (errno == EINTR) continue;
        fprintf(stderr, "%s: P(%s) failed: %s\n", who, what, strerror(errno));
        _exit(1);
    }
}

static void parent(const char *who, const char *fruit, sem_t *full)
{
    for (int i = 0; i < 3; i++) {
        usleep(30000);                               /* peel */
        p(&sh->s3, who, "s3");
        strcpy(sh->plate, fruit); printf("%s: put %s\n", who, fruit);
        sem_post(full);                              /* V(s1) or V(s2) */
    }
}

static void child(const char *who, sem_t *full, const char *name)
{
    for (int i = 0; i < 3; i++) {
        p(full, who, name);
        printf("%s: got %s\n", who, sh->plate); strcpy(sh->plate, "empty");
        sem_post(&sh->s3);                           /* V(s3) */
        usleep(20000);                               /* eat */
    }
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);   /* a line at a time, and nothing left in a buffer that fork() would copy */
    sh = mmap(NULL, sizeof *sh, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) { perror("mmap"); return 1; }
    sem_init(&sh->s1, 1, 0);
    sem_init(&sh->s2, 1, 0);
    sem_init(&sh->s3, 1, 1);
    strcpy(sh->plate, "empty");

    pid_t pids[4];
    for (int r = 0; r < 4; r++) {
        pids[r] = fork();
        if (pids[r] == -1) { perror("fork"); return 1; }
        if (pids[r] == 0) {
            switch (r) {
            case 0: parent("father", "apple", &sh->s2); break;
            case 1: parent("mother", "pear", &sh->s1); break;
            case 2: child("son", &sh->s1, "s1"); break;
            default: child("daughter", &sh->s2, "s2"); break;
            }
            _exit(0);
        }
    }
    int failed = 0;
    for (int r = 0; r < 4; r++) {
        int status;
        if (waitpid(pids[r], &status, 0) == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    }
    int v1, v2, v3;
    sem_getvalue(&sh->s1, &v1); sem_getvalue(&sh->s2, &v2); sem_getvalue(&sh->s3, &v3);
    printf("the plate at the end: %s; semaphores: s1 pear=%d, s2 apple=%d, s3 space=%d\n", sh->plate, v1, v2, v3);
    return failed;
}
