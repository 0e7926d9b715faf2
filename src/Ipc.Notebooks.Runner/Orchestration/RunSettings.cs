using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Containment;

namespace Ipc.Notebooks.Runner.Orchestration;

/// <summary>How one notebook runs in a worker: time per cell and per notebook (wall clock, and CPU), the sandbox's
/// limits and mode, how much output a cell keeps, and whether the worker gets namespaces and a temporary folder of
/// its own.</summary>
internal sealed record RunSettings(
    TimeSpan CellTimeout,
    TimeSpan? NotebookTimeout,
    CpuLimits? Cpu,
    Limits Limits,
    ContainmentMode Containment,
    long? OutputLimit,
    bool Isolate,
    string? AnswersDirectory)
{
    /// <summary>`run`: no limits, but every process a cell started still dies with a cell that timed out.</summary>
    public static RunSettings From(RunOptions options) =>
        new(options.CellTimeout, null, null, Limits.None, ContainmentFromEnvironment(), null, false, options.AnswersDirectory);

    /// <summary>IPC_NOTEBOOKS_CONTAINMENT=tree forces the process-tree sandbox where a cgroup would be used (how the
    /// tests prove the fallback on a machine that has cgroups); cgroup insists on one, cgroup2 on the unified one.</summary>
    public static ContainmentMode ContainmentFromEnvironment() => ParseContainment(Environment.GetEnvironmentVariable("IPC_NOTEBOOKS_CONTAINMENT")) ?? ContainmentMode.Auto;

    public static ContainmentMode? ParseContainment(string? name) => name switch
    {
        "auto" => ContainmentMode.Auto,
        "tree" => ContainmentMode.Tree,
        "cgroup" => ContainmentMode.Cgroup,
        "cgroup2" => ContainmentMode.Cgroup2,
        _ => null,
    };
}

/// <summary>Grading: which cells (0-based index in the notebook) are check cells, and of which exercise.</summary>
internal sealed record GradePlan(IReadOnlyDictionary<int, string> Checks);

