/* fruit_plate_threads.c — the lecture's fruit plate as the slide draws it: four *threads* of one process,
 * unnamed semaphores from sem_init(&s, 0, n) (pshared 0: shared by this process's threads only), one plate
 * with room for one fruit. Each parent puts three fruits; each child takes three.
 *
 *   s1: there is a pear on the plate (0)   s2: there is an apple (0)   s3: the plate has space (1)
 *
 * Kept from the lecture's version: main does not wait for its threads with pthread_join, it spins in
 * for(;;); — so this program never ends, and burns a whole CPU while it waits for nothing. Notebook 04 shows
 * that from /proc, then kills it. (The slide's mother "puts apple": a typo, she puts a pear.) */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static sem_t s1, s2, s3;
static const char *plate = "empty";

static void *father(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        usleep(30000);                                   /* peel apple */
        sem_wait(&s3);                                   /* P(s3) */
        plate = "apple"; printf("father: put apple\n");
        sem_post(&s2);                                   /* V(s2) */
    }
    return NULL;
}

static void *mother(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        usleep(30000);                                   /* peel pear */
        sem_wait(&s3);                                   /* P(s3) */
        plate = "pear"; printf("mother: put pear\n");
        sem_post(&s1);                                   /* V(s1) */
    }
    return NULL;
}

static void *son(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        sem_wait(&s1);                                   /* P(s1) */
        printf("son: got %s\n", plate); plate = "empty";
        sem_post(&s3);                                   /* V(s3) */
        usleep(20000);                                   /* eat pear */
    }
    return NULL;
}

static void *daughter(void *arg)
{
    (void)arg;
    for (int i = 0; i < 3; i++) {
        sem_wait(&s2);                                   /* P(s2) */
        printf("daughter: got %s\n", plate); plate = "empty";
        sem_post(&s3);                                   /* V(s3) */
        usleep(20000);                                   /* eat apple */
    }
    return NULL;
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);   /* a line at a time: stdout is a pipe to the notebook, not a terminal */
    sem_init(&s1, 0, 0);
    sem_init(&s2, 0, 0);
    sem_init(&s3, 0, 1);
    pthread_t t[4];
    pthread_create(&t[0], NULL, father, NULL);
    pthread_create(&t[1], NULL, mother, NULL);
    pthread_create(&t[2], NULL, son, NULL);
    pthread_create(&t[3], NULL, daughter, NULL);
    for (;;);                            /* the lecture's ending: wait for ever, at 100 % of a CPU */
}
