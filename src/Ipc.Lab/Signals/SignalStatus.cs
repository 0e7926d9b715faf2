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
        string path = tid is int t ? $"/proc/{pid}/task/{t}/status" : $"/proc/{pid}/status";
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException) { return null; }
        IReadOnlyList<Signal> Set(string field)
        {
            var line = lines.FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            if (line is null) return [];
            ulong bits = Convert.ToUInt64(line[(field.Length + 1)..].Trim(), 16);
            return Enumerable.Range(1, 64).Where(s => (bits & (1UL << (s - 1))) != 0).Select(s => (Signal)s).ToArray();
        }
        return new SignalStatus(Set("SigPnd"), Set("ShdPnd"), Set("SigBlk"), Set("SigIgn"), Set("SigCgt"));
    }

    public override string ToString() =>
        $"pending (thread): {Show(PendingForThread)}; pending (process): {Show(PendingForProcess)}; blocked: {Show(Blocked)}; ignored: {Show(Ignored)}; caught: {Show(Caught)}";

    private static string Show(IReadOnlyList<Signal> set) => set.Count == 0 ? "none" : string.Join(", ", set.Select(s => SignalNames.Describe((int)s)));
}
