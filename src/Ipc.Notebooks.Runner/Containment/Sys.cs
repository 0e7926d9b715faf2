using System.Runtime.InteropServices;

namespace Ipc.Notebooks.Runner.Containment;

// The few syscalls containment needs, by their C names. The runner does not reference Ipc.Lab (notebooks load it
// themselves), so these are its own.
internal static partial class Sys
{
    public const int SIGKILL = 9;
    public const int SIGXCPU = 24;
    public const int PR_SET_CHILD_SUBREAPER = 36;
    public const int PR_SET_PDEATHSIG = 1;
    public const int WNOHANG = 1;
    public const int ESRCH = 3;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "prctl", SetLastError = true)]
    public static partial int Prctl(int option, nint arg2, nint arg3, nint arg4, nint arg5);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, out int status, int options);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "shmctl", SetLastError = true)]
    public static partial int ShmCtl(int id, int command, nint buffer);

    [LibraryImport("libc", EntryPoint = "semctl", SetLastError = true)]
    public static partial int SemCtl(int id, int number, int command);

    [LibraryImport("libc", EntryPoint = "msgctl", SetLastError = true)]
    public static partial int MsgCtl(int id, int command, nint buffer);

    public const int IPC_RMID = 0;

    public const int _SC_CLK_TCK = 2;

    [LibraryImport("libc", EntryPoint = "sysconf")]
    public static partial long SysConf(int name);

    public const int RLIMIT_CPU = 0;
    public const int EPERM = 1;

    /// <summary>struct rlimit: the soft limit (a signal, SIGXCPU for CPU time) and the hard one (SIGKILL).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>prlimit(2): sets a limit of another process (the worker, from the runner that started it).</summary>
    [LibraryImport("libc", EntryPoint = "prlimit", SetLastError = true)]
    public static partial int PrLimit(int pid, int resource, in RLimit newLimit, out RLimit oldLimit);
}
