using Ipc.Lab.Native;

namespace Ipc.Lab.Signals;

/// <summary>What the kernel holds about a process's (or one thread's) signals, from /proc/PID/status: which
/// are pending, blocked, ignored and caught. Works for any process we may read, stopped ones included.</summary>
public sealed record SignalStatus(
    IReadOnlyList<Signal> PendingForThread, IReadOnlyList<Signal> PendingForProcess,
    IReadOnlyList<Signal> Blocked, IReadOnlyList<Signal> Ignored, IReadOnlyList<Signal> Caught)
{
    /// <summary>The main thread's view, or one thread's (tid) of process pid; null when there is no such process.</summary>
    public static SignalStatus? Of(int pid, int? tid = null)
    {
        if (ProcStatus.Of(pid, tid) is not { } status) return null;
        return new SignalStatus(Set(status.PendingForThread), Set(status.PendingForProcess), Set(status.Blocked), Set(status.Ignored), Set(status.Caught));
    }

    /// <summary>The signals of a kernel bit set: bit n-1 stands for signal n.</summary>
    private static Signal[] Set(ulong bits) =>
        Enumerable.Range(1, 64).Where(s => (bits & (1UL << (s - 1))) != 0).Select(s => (Signal)s).ToArray();

    public override string ToString() =>
        $"pending (thread): {Show(PendingForThread)}; pending (process): {Show(PendingForProcess)}; blocked: {Show(Blocked)}; ignored: {Show(Ignored)}; caught: {Show(Caught)}";

    private static string Show(IReadOnlyList<Signal> set) => set.Count == 0 ? "none" : string.Join(", ", set.Select(s => SignalNames.Describe((int)s)));
}
