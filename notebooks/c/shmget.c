/* shmget.c — the slide's System V calls, as written, then mended (Notebook 02 runs it).
 *
 *   key = ftok("<somefile>", 'A');
 *   shmid = shmget(key, 1024, 0644);
 *   data = shmat(shmid, (void *)0, 0);
 *
 * Without IPC_CREAT, shmget only looks the key up: no segment has it yet, so it fails with ENOENT.
 * The fix creates it (IPC_CREAT | IPC_EXCL | 0600: fail rather than share a colliding key's segment, and
 * let no other user read it); a second process finds it by the same key; the creator removes it
 * (shmctl IPC_RMID), which the slide never does. Usage: shmget FILE (an existing file, for ftok). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 2; }
    key_t key = ftok(argv[1], 'A');
    if (key == -1) { perror("ftok"); return 1; }
    printf("ftok(\"%s\", 'A') = 0x%08x\n", argv[1], (unsigned)key);

    /* The slide, as written. */
    int shmid = shmget(key, 1024, 0644);
    if (shmid == -1)   /* on stdout, so that it stays in order with the lines below */
        printf("shmget(key, 1024, 0644) failed: %s (%s)\n", errno == ENOENT ? "ENOENT" : "errno", strerror(errno));

    /* The fix. */
    shmid = shmget(key, 1024, IPC_CREAT | IPC_EXCL | 0600);
    if (shmid == -1) { perror("shmget(key, 1024, IPC_CREAT | IPC_EXCL | 0600)"); return 1; }
    char *data = shmat(shmid, NULL, 0);
    if (data == (char *)-1) { perror("shmat"); shmctl(shmid, IPC_RMID, NULL); return 1; }
    strcpy(data, "found by its key");
    printf("created segment %d, wrote \"%s\"\n", shmid, data);
    fflush(stdout);

    pid_t pid = fork();
    if (pid == 0) {
        int same = shmget(key, 1024, 0);        /* look it up by the key alone */
        char *seen = same == -1 ? (char *)-1 : shmat(same, NULL, SHM_RDONLY);
        if (seen == (char *)-1) { perror("child: shmget/shmat"); _exit(1); }
        printf("child read: %s\n", seen);
        fflush(stdout);
        shmdt(seen);
        _exit(0);
    }
    if (pid > 0) waitpid(pid, NULL, 0);
    else perror("fork");
    shmdt(data);
    if (shmctl(shmid, IPC_RMID, NULL) == -1) { perror("shmctl(IPC_RMID)"); return 1; }
    printf("removed segment %d\n", shmid);
    return 0;
}
