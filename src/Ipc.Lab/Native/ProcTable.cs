namespace Ipc.Lab.Native;

/// <summary>Every process the kernel lists in /proc, as <see cref="ProcStat"/> lines. Not every kernel has
/// /proc/PID/task/TID/children (it needs CONFIG_PROC_CHILDREN; this machine's does not), so the children of a
/// process are found the way ps does: by the parent pid in each process's stat line.</summary>
internal static class ProcTable
{
    /// <summary>The processes whose parent is <paramref name="pid"/>, zombies included. A process that ends while
    /// /proc is read is left out.</summary>
    public static IReadOnlyList<ProcStat> ChildrenOf(int pid) => All().Where(p => p.ParentPid == pid).ToArray();

    public static IEnumerable<ProcStat> All()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            if (ProcStat.Of(pid) is { } stat) yield return stat;
        }
    }
}
