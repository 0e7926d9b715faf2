namespace Ipc.Notebooks.Runner.Containment;

/// <summary>Limits enforced by looking instead of by the kernel: every 100 ms the live members' own memory (see
/// <see cref="ProcTable.PrivateBytes"/>) is added up and they are counted, and CPU time is totalled per process (the last value seen of one that has exited stays
/// counted). Coarser than a controller, which acts at every allocation and fork; used by the process tree, and by a
/// cgroup v2 group whose parent could not give it the memory or pids controller.</summary>
internal sealed class PolledLimits(Limits limits, bool memory, bool processes)
{
    private readonly Dictionary<(int Pid, long Start), long> _cpuTicks = [];
    private long _peak;

    public long PeakMemoryBytes => Interlocked.Read(ref _peak);

    public double CpuSeconds
    {
        get { lock (_cpuTicks) return _cpuTicks.Values.Sum() / (double)ProcTable.TicksPerSecond; }
    }

    /// <summary>Records one look at the members; null, or which limit they broke.</summary>
    public string? Observe(IReadOnlyCollection<ProcEntry> alive)
    {
        lock (_cpuTicks)
            foreach (var e in alive) _cpuTicks[(e.Pid, e.StartTime)] = e.CpuTicks;
        var rss = alive.Sum(e => ProcTable.PrivateBytes(e.Pid));
        if (rss > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, rss);
        if (memory && limits.MemoryBytes is { } bytes && rss > bytes)
            return $"exceeded its memory limit of {Sandbox.Mebibytes(bytes)} (its processes held {Sandbox.Mebibytes(rss)}; all were killed)";
        if (processes && limits.Processes is { } count && alive.Count > count)
            return $"reached its limit of {count} processes ({alive.Count} were running; all were killed)";
        return null;
    }
}
