using System.Runtime.InteropServices;
using Tmds.Linux;

namespace Ipc.Lab.Native;

/// <summary>The signal calls the course needs beyond Tmds.LibC's: thread-directed sending (a .NET process
/// always has several threads, and a mask belongs to one of them), waiting for a signal with its value, and
/// two native functions that fault on purpose, so a child can die of a hardware-sourced signal.</summary>
internal static unsafe partial class SignalCalls
{
    private const string Libc = "libc";
    private const long SYS_rt_tgsigqueueinfo = 297;
    public const int SI_QUEUE = -1;
    public const int RLIMIT_CORE = 4;

    /// <summary>glibc's siginfo_t is 128 bytes; only the fields of a queued signal are named here.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    public struct SigInfo
    {
        [FieldOffset(0)] public int Signo;
        [FieldOffset(8)] public int Code;
        [FieldOffset(16)] public int Pid;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public long Value;
    }

    public struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>glibc's struct sigaction on x86-64 and arm64: handler, mask, flags, restorer.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 152)]
    public struct SigAction
    {
        [FieldOffset(0)] public nint Handler;
        [FieldOffset(136)] public int Flags;
    }

    public const nint SIG_DFL = 0, SIG_IGN = 1;

    [LibraryImport(Libc, SetLastError = true)] public static partial int sigaction(int signal, SigAction* action, SigAction* old);
    [LibraryImport(Libc, SetLastError = true)] public static partial int gettid();
    [LibraryImport(Libc, SetLastError = true)] public static partial int tgkill(int pid, int tid, int signal);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sigqueue(int pid, int signal, long value);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sigtimedwait(sigset_t* set, SigInfo* info, timespec* timeout);
    [LibraryImport(Libc, SetLastError = true)] public static partial int setrlimit(int resource, RLimit* limit);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)]
    private static partial long syscall4(long number, long a1, long a2, long a3, void* a4);

    /// <summary>sigqueue(3) aimed at one thread: glibc has no wrapper for rt_tgsigqueueinfo(2).</summary>
    // The sender's user id the receiver reads in si_uid; asked once (a getuid per signal was a third system call).
    private static readonly Lazy<uint> Uid = new(() => Tmds.Linux.LibC.getuid());

    public static int QueueToThread(int pid, int tid, int signal, long value)
    {
        var info = new SigInfo { Signo = signal, Code = SI_QUEUE, Pid = Environment.ProcessId, Uid = Uid.Value, Value = value };
        return (int)syscall4(SYS_rt_tgsigqueueinfo, pid, tid, signal, &info);
    }

    // Two libc functions that fault inside native code, where the runtime cannot turn the fault into an
    // exception: strlen of an unmapped address (SIGSEGV), and div's integer division by zero (SIGFPE on x86-64).
    [LibraryImport(Libc)] public static partial nint strlen(byte* text);
    [LibraryImport(Libc)] public static partial long div(int numerator, int denominator);
}
