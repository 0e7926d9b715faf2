// Memory visibility: a reader spins until a flag in shared memory becomes 1, and a writer sets it.
// ./visibility plain     the flag is a plain int: gcc -O2 may load it once and spin on the register
// ./visibility volatile  every read goes to memory
// ./visibility atomic    C11 atomics: an acquire load against a release store
#define _GNU_SOURCE
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct flags { int plain; volatile int marked; atomic_int atomic; };
static struct flags *shared;

static void give_up(int sig)
{
    (void)sig;
    static const char line[] = "reader: stopped by the writer; it never saw the store\n";
    write(1, line, sizeof line - 1);   // write(2) is async-signal-safe; printf is not
    _exit(1);
}

// The reader's CPU time in clock ticks (utime + stime, fields 14 and 15 of /proc/PID/stat).
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    long utime = 0, stime = 0;
    if (p) sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime, &stime);
    return utime + stime;
}

static void sleep_ms(long ms) { struct timespec t = { ms / 1000, (ms % 1000) * 1000000L }; nanosleep(&t, NULL); }

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "plain";
    shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { perror("mmap"); return 2; }
    pid_t reader = fork();
    if (reader == 0) {
        signal(SIGUSR1, give_up);
        if (strcmp(how, "atomic") == 0)        while (atomic_load_explicit(&shared->atomic, memory_order_acquire) == 0) ;
        else if (strcmp(how, "volatile") == 0) while (shared->marked == 0) ;
        else                                   while (shared->plain == 0) ;
        printf("reader: saw the store\n");
        return 0;
    }
    // Store only once the reader has spun for 20 ms of CPU: by then it is surely inside its loop.
    for (int i = 0; i < 500 && cpu_ticks(reader) < 2; i++) sleep_ms(10);
    if (strcmp(how, "atomic") == 0)        atomic_store_explicit(&shared->atomic, 1, memory_order_release);
    else if (strcmp(how, "volatile") == 0) shared->marked = 1;
    else                                   shared->plain = 1;
    printf("writer: stored 1 (%s)\n", how);
    fflush(stdout);
    // Give the reader 3 s to notice, then stop it.
    int status;
    for (int i = 0; i < 300; i++) {
        if (waitpid(reader, &status, WNOHANG) == reader) return WEXITSTATUS(status);
        sleep_ms(10);
    }
    kill(reader, SIGUSR1);
    waitpid(reader, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
