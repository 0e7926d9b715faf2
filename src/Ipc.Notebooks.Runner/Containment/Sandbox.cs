using System.Collections.Concurrent;
using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>What one notebook's processes may use. Null fields mean no limit (the `run` command: containment only).</summary>
internal sealed record Limits(long? MemoryBytes, int? Processes)
{
    public static readonly Limits None = new(null, null);
}

/// <summary>CPU time that a cell, and the whole notebook, may use: of every process in its sandbox (a cgroup's own
/// count, or the poll's) and, enforced by the kernel, of the worker itself (RLIMIT_CPU). A busy loop in several
/// threads or in child processes uses CPU faster than the wall clock runs; a starved one slower.</summary>
internal sealed record CpuLimits(TimeSpan PerCell, TimeSpan PerNotebook);

/// <summary>How processes are held together: a cgroup (v2, the unified hierarchy of current distributions and
/// GitHub's runners, or v1) where one is writable, else the process tree (a child subreaper plus a walk of /proc,
/// with a tag every process inherits). Cgroup2 insists on the unified hierarchy (how the tests run it on a hybrid
/// machine, whose v1 groups Auto would take).</summary>
internal enum ContainmentMode { Auto, Cgroup, Cgroup2, Tree }

/// <summary>Every process a notebook's worker starts, however it was started (Process.Start, setsid, a double
/// fork that leaves the process group): they can all be killed at once, counted and limited. One per worker.</summary>
internal abstract class Sandbox : IDisposable
{
    public const string TagVariable = "IPC_NOTEBOOKS_SANDBOX";
    private static int _counter;

    /// <summary>Workers whose exit status .NET's Process class collects; zombie reaping leaves them alone.</summary>
    public static readonly ConcurrentDictionary<int, bool> Workers = new();

    protected Sandbox(Limits limits)
    {
        Limits = limits;
        Tag = $"{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}-{Guid.NewGuid():N}";
    }

    public Limits Limits { get; }

    /// <summary>The value of <see cref="TagVariable"/> for this sandbox's worker, which its children inherit.</summary>
    public string Tag { get; }

    public abstract string Kind { get; }

    /// <summary>Every pid seen inside so far (for telling which kernel objects its processes made).</summary>
    public abstract IReadOnlyCollection<int> SeenPids { get; }

    /// <summary>Puts the freshly started worker inside, before it runs any cell.</summary>
    public abstract void Adopt(int pid);

    /// <summary>The most memory the processes inside used at once (a cgroup's own count, or the largest sum of
    /// own memory the poll saw).</summary>
    public abstract long PeakMemoryBytes { get; }

    /// <summary>CPU time used so far by the processes inside (a cgroup's own count, or the poll's total of the
    /// processes it saw); null where nothing counts it.</summary>
    public abstract double? CpuSeconds { get; }

    /// <summary>The processes inside now.</summary>
    public abstract IReadOnlyList<int> Pids();

    /// <summary>How many processes are inside now.</summary>
    public int CountAlive() => Pids().Count;

    /// <summary>Waits (at most <paramref name="grace"/>) while the course library's guardian of a dead worker is
    /// still inside: it removes the run's kernel objects and kills its group, and must not be killed before.</summary>
    public void AwaitGuardians(TimeSpan grace)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < grace && Pids().Any(IsGuardian)) Thread.Sleep(20);
    }

    private static bool IsGuardian(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("ipc-lab-guardian\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Kills every process inside and waits (bounded) until none is left; how many it killed.</summary>
    public abstract int KillAll();

    /// <summary>Null, or which limit the processes inside ran into ("exceeded its memory limit of 1024 MiB").</summary>
    public abstract string? Breach { get; }

    public abstract void Dispose();

    /// <summary>Auto and Cgroup take the first that holds every limit with the kernel's own controllers: a cgroup
    /// v2 group with memory and pids, then cgroup v1 groups; then a v2 group whose limits are polled (its
    /// membership and its kill are still exact). Auto falls back to the process tree; Cgroup2 insists on v2.</summary>
    public static Sandbox Create(Limits limits, ContainmentMode mode) => mode switch
    {
        ContainmentMode.Tree => new TreeSandbox(limits),
        ContainmentMode.Cgroup2 => CgroupV2Sandbox.TryCreate(limits, complete: false)
            ?? throw new InvalidOperationException($"--containment cgroup2: {(CgroupV2Sandbox.OwnGroup() is { } own ? "cannot make a group below " + own : "no cgroup2 hierarchy is mounted (see /proc/mounts)")}"),
        _ => (Sandbox?)CgroupV2Sandbox.TryCreate(limits, complete: true) ?? (Sandbox?)CgroupV1Sandbox.TryCreate(limits) ?? CgroupV2Sandbox.TryCreate(limits, complete: false)
            ?? (Sandbox)(mode == ContainmentMode.Cgroup
                ? throw new InvalidOperationException("--containment cgroup: no writable cgroup, neither v2 below the runner's own group nor v1 memory, pids and freezer hierarchies at /sys/fs/cgroup (the tree mode needs none)")
                : new TreeSandbox(limits)),
    };

    /// <summary>What <paramref name="mode"/> will use on this machine, for the grader's first line.</summary>
    public static string Describe(ContainmentMode mode)
    {
        using var probe = Create(Limits.None, mode);
        return probe.Kind;
    }

    /// <summary>Collects zombies that were reparented to the runner (it is a child subreaper in tree mode), except
    /// the workers, whose status .NET's Process class is waiting for.</summary>
    public static void ReapOrphans()
    {
        var self = Environment.ProcessId;
        foreach (var entry in ProcTable.Snapshot())
            if (entry.ParentPid == self && entry.State == 'Z' && !Workers.ContainsKey(entry.Pid))
                Sys.WaitPid(entry.Pid, out _, Sys.WNOHANG);
    }

    internal static string Mebibytes(long bytes) => (bytes / (1024 * 1024)).ToString(CultureInfo.InvariantCulture) + " MiB";
}
