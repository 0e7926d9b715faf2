/* shared_memory_fixed.c — shared_memory.c mended, as Notebook 02's C# fix does it:
 *   - copy strlen + 1 bytes (the text and its NUL), not sizeof of a pointer;
 *   - two semaphores in the shared memory itself (sem_init with pshared = 1) order the processes: the child
 *     waits until the parent has printed; the parent waits until the child has written, at most the
 *     lecture's 5 s (sem_timedwait) instead of always 5 s;
 *   - the parent wait()s for its child and munmap()s the memory. The semaphores live in the mapping, so
 *     they vanish with it: nothing is left in the kernel whatever happens. */
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
    sem_t parent_has_read;
    sem_t child_has_written;
    char text[64];
};

int main(void)
{
    struct shared *shmem = mmap(NULL, sizeof *shmem, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED, -1, 0);
    if (shmem == MAP_FAILED) { perror("mmap"); return 1; }
    if (sem_init(&shmem->parent_has_read, 1, 0) == -1 || sem_init(&shmem->child_has_written, 1, 0) == -1) {
        perror("sem_init");
        return 1;
    }
    const char *parent_message = "1111", *child_message = "2222";
    memcpy(shmem->text, parent_message, strlen(parent_message) + 1);

    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 1; }
    if (pid == 0) {
        struct timespec limit;
        clock_gettime(CLOCK_REALTIME, &limit);
        limit.tv_sec += 30;                      /* never wait forever, even if the parent dies */
        while (sem_timedwait(&shmem->parent_has_read, &limit) == -1)
            if (errno != EINTR) { perror("child: sem_timedwait"); _exit(1); }
        printf("Child read: %s\n", shmem->text);
        memcpy(shmem->text, child_message, strlen(child_message) + 1);
        printf("Child wrote: %s\n", shmem->text);
        fflush(stdout);
        sem_post(&shmem->child_has_written);
        _exit(0);
    }

    printf("Parent read: %s\n", shmem->text);
    fflush(stdout);
    sem_post(&shmem->parent_has_read);
    struct timespec limit;
    clock_gettime(CLOCK_REALTIME, &limit);
    limit.tv_sec += 5;                           /* the lecture's 5 s, now an upper bound */
    while (sem_timedwait(&shmem->child_has_written, &limit) == -1)
        if (errno != EINTR) { perror("parent: sem_timedwait"); break; }
    if (waitpid(pid, NULL, 0) == -1) perror("waitpid");
    printf("After 5s, parent read: %s\n", shmem->text);
    munmap(shmem, sizeof *shmem);
    return 0;
}
