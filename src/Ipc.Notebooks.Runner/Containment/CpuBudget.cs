using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>The CPU time one notebook's processes may use, per cell and in all. The runner reads what its sandbox
/// used (a cgroup's count of every process inside, or the poll's) while it waits for a cell, and stops the cell
/// with a message that names the limit. The kernel backs it up on the worker itself with RLIMIT_CPU: its soft
/// limit, moved before each cell to the worker's own CPU time plus the cell's budget plus a margin, sends SIGXCPU;
/// the hard one, the notebook's budget plus the margin, SIGKILL. The margin lets the runner's clearer message come
/// first; the kernel acts where the runner is starved of CPU itself or nothing counts the sandbox. Children inherit
/// the limit, each for its own CPU time.</summary>
internal sealed class CpuBudget(CpuLimits limits, Sandbox sandbox, int worker)
{
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(2);
    private double _atCellStart;
    private double _workerCpu;
    private ulong _softLimit;

    private ulong HardLimit => (ulong)Math.Ceiling((limits.PerNotebook + Margin).TotalSeconds);

    /// <summary>The worker's RLIMIT_CPU, set from the runner once it has started (prlimit(2) on its pid).</summary>
    public void LimitWorker()
    {
        _softLimit = HardLimit;
        SetWorkerLimit(_softLimit);
    }

    /// <summary>Before a cell: where its CPU time starts, and the worker's soft limit for it.</summary>
    public void BeginCell()
    {
        _atCellStart = Used();
        _softLimit = Math.Min((ulong)Math.Ceiling(WorkerCpu() + (limits.PerCell + Margin).TotalSeconds), HardLimit);
        SetWorkerLimit(_softLimit);
    }

    /// <summary>Null while the cell and the notebook are within their CPU time, else which limit they used up.</summary>
    public string? Exceeded()
    {
        var used = Used();
        if (used - _atCellStart > limits.PerCell.TotalSeconds)
            return $"used up its CPU time limit of {Seconds(limits.PerCell)} per cell (its processes used {Seconds(used - _atCellStart)} of CPU in this cell)";
        if (used > limits.PerNotebook.TotalSeconds)
            return $"used up the notebook's CPU time limit of {Seconds(limits.PerNotebook)} (its processes used {Seconds(used)} of CPU in all)";
        return null;
    }

    /// <summary>Why the worker died, where its CPU time limit is the reason (SIGXCPU at the soft limit, SIGKILL at
    /// the hard one, once it had used that much), else null.</summary>
    public string? ExplainDeath(int? exitCode)
    {
        if (exitCode == 128 + Sys.SIGXCPU || (exitCode == 128 + Sys.SIGKILL && _workerCpu >= _softLimit - 1))
            return $"the kernel stopped the worker at its CPU time limit (RLIMIT_CPU, {_softLimit} s of its own CPU time: the cell's limit of {Seconds(limits.PerCell)} per cell, the notebook's of {Seconds(limits.PerNotebook)}, plus {Seconds(Margin)})";
        return null;
    }

    private double Used()
    {
        var own = WorkerCpu();
        return sandbox.CpuSeconds ?? own;
    }

    // The worker's own CPU time; the last value read is kept for telling why it died.
    private double WorkerCpu()
    {
        if (ProcTable.Read(worker) is { } entry) _workerCpu = entry.CpuTicks / (double)ProcTable.TicksPerSecond;
        return _workerCpu;
    }

    private void SetWorkerLimit(ulong soft)
    {
        // Fails only when the worker has gone (ESRCH), which the runner finds out from its event stream.
        Sys.PrLimit(worker, Sys.RLIMIT_CPU, new Sys.RLimit { Current = soft, Maximum = HardLimit }, out _);
    }

    private static string Seconds(TimeSpan time) => Seconds(time.TotalSeconds);

    private static string Seconds(double seconds) => seconds.ToString("0.#", CultureInfo.InvariantCulture) + " s";
}
