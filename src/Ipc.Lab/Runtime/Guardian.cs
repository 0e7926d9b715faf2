using Ipc.Lab.Io;
using static Ipc.Lab.Native.LibcExtra;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>Makes sure no child outlives this process, also when this process is killed with SIGKILL (a
/// notebook kernel restart) and nothing in it can run. A small shell process leads a process group that every
/// child joins; it holds the read end of a "lifeline" pipe whose only write end is ours (O_CLOEXEC, so no
/// child inherits it). When we die, for whatever reason, the kernel closes our end, the guardian reads end of
/// file, and it kills its whole group — our children, and theirs.</summary>
internal static unsafe class Guardian
{
    // Ignores every catchable signal, so that a student's kill(-group, SIGTERM) does not disarm it. On the
    // lifeline's end of file it removes the kernel objects listed in our objects file (SysV ids, POSIX
    // names: see ObjectRegistry) — before the run-directory entries, that file among them ($1: their
    // prefix; a folder among them, such as notebook 03's scratch folder for a core dump, goes with what is
    // in it) — and kills the group. A POSIX message queue is the exception: without /dev/mqueue mounted no
    // shell command can remove one (only mq_unlink can), so its lines are written back into the objects file,
    // and the library's next start (RunDirectory.RemoveLeftovers → ObjectRegistry.RemoveLeftObjects) unlinks them.
    private const string Script =
        "trap '' HUP INT QUIT TERM USR1 USR2 ALRM PIPE TSTP TTIN TTOU; " +
        "while read -r _ <&3; do :; done; mq=; " +
        "if [ -f \"$1objects\" ]; then while read -r kind id _; do case \"$kind\" in " +
        "shm) ipcrm -m \"$id\";; sem) ipcrm -s \"$id\";; msg) ipcrm -q \"$id\";; " +
        "posixshm) rm -f -- \"/dev/shm/$id\";; posixsem) rm -f -- \"/dev/shm/sem.$id\";; " +
        "posixmq) mq=\"${mq}posixmq $id\n\";; esac; " +
        "done < \"$1objects\" 2>/dev/null; fi; " +
        "rm -rf -- \"$1\"*; if [ -n \"$mq\" ]; then printf '%s' \"$mq\" > \"$1objects\"; fi; kill -9 0";

    private static int _pid;
    private static int _lifeline = -1;

    /// <summary>The guardian's pid, which is also its process group; starts (or restarts) it when needed.
    /// Runs on the spawner thread.</summary>
    public static int EnsureGroup()
    {
        if (_pid > 0)
        {
            int status;
            int r = waitpid(_pid, &status, WNOHANG);
            if (r == 0) return _pid;
            // The guardian died (someone killed its group): its children are unprotected from now on, but
            // new ones get a new guardian.
            close(_lifeline);
        }
        using var plumbing = new Plumbing();
        int lifeline = plumbing.ToChild(3);
        _pid = plumbing.SpawnOnSpawnerThread(new SpawnPlan("/bin/sh", ["ipc-lab-guardian", "-c", Script, "ipc-lab-guardian", RunDirectory.OwnPrefix])
        {
            JoinGuardedGroup = false,
        }, processGroup: 0);
        _lifeline = lifeline;
        RunProcesses.GuardedGroup = _pid;
        return _pid;
    }

    public static int Pid => _pid;
}
