using System.Diagnostics;
using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>A group in the unified (v2) hierarchy, made below the runner's own group: the layout of GitHub's
/// runners and of current distributions. Membership is the kernel's (a child is born into its parent's group and
/// cannot leave it without write access to the hierarchy); killing is cgroup.kill (Linux 5.14), or freeze
/// (cgroup.freeze), SIGKILL every member, thaw where it is older. memory.max and pids.max limit where the parent
/// can hand those controllers down; where it cannot (they are bound to a v1 hierarchy, or the parent holds
/// processes of its own and the kernel refuses to enable controllers below it), the limits are polled as in the
/// process tree, over the group's exact membership. CPU time comes from cpu.stat, which every v2 group has.</summary>
internal sealed class CgroupV2Sandbox : Sandbox
{
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(10);
    private static readonly string[] Wanted = ["memory", "pids", "cpu"];
    private static int _staleRemoved;

    private readonly string _dir;
    private readonly IReadOnlySet<string> _controllers;
    private readonly PolledLimits _polled;
    private readonly HashSet<int> _seen = [];
    private readonly Timer _poll;
    private volatile string? _polledBreach;

    private CgroupV2Sandbox(Limits limits, string dir, IReadOnlySet<string> controllers) : base(limits)
    {
        _dir = dir;
        _controllers = controllers;
        _polled = new PolledLimits(limits, memory: !controllers.Contains("memory"), processes: !controllers.Contains("pids"));
        _poll = new Timer(_ => Poll(), null, 100, 100);
    }

    /// <summary>Where the unified hierarchy is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid
    /// machine), or null.</summary>
    public static string? Mount()
    {
        foreach (var line in File.ReadLines("/proc/mounts"))
            if (line.Split(' ') is [_, var point, "cgroup2", ..]) return point;
        return null;
    }

    /// <summary>The folder of the runner's own group in the unified hierarchy (the "0::PATH" line), or null.</summary>
    public static string? OwnGroup() =>
        Mount() is { } mount && File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal)) is { } line
            ? mount + line[3..].TrimEnd('/')
            : null;

    /// <summary>A group for one worker, or null where no v2 group can be made. With <paramref name="complete"/>,
    /// also null when the memory or pids controller cannot be had (the caller prefers a cgroup v1 group then).</summary>
    public static CgroupV2Sandbox? TryCreate(Limits limits, bool complete)
    {
        if (OwnGroup() is not { } parent || !File.Exists(Path.Combine(parent, "cgroup.procs"))) return null;
        if (Interlocked.Exchange(ref _staleRemoved, 1) == 0) CgroupFiles.RemoveStale(parent);
        var available = Words(CgroupFiles.Read(parent, "cgroup.controllers"));
        foreach (var controller in Wanted.Where(available.Contains).Except(Words(CgroupFiles.Read(parent, "cgroup.subtree_control"))))
            // EBUSY where the parent holds processes and is not the root ("no internal processes"): polled instead.
            CgroupFiles.TryWrite(parent, "cgroup.subtree_control", "+" + controller);
        var handed = Words(CgroupFiles.Read(parent, "cgroup.subtree_control"));
        if (complete && !(handed.Contains("memory") && handed.Contains("pids"))) return null;
        var dir = Path.Combine(parent, CgroupFiles.NewName());
        try
        {
            Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var sandbox = new CgroupV2Sandbox(limits, dir, Words(CgroupFiles.Read(dir, "cgroup.controllers")));
        try
        {
            if (limits.MemoryBytes is { } bytes && sandbox._controllers.Contains("memory"))
            {
                File.WriteAllText(Path.Combine(dir, "memory.max"), bytes.ToString(CultureInfo.InvariantCulture));
                // Swap is not a way out of the limit (the file is absent where the kernel has no swap accounting).
                CgroupFiles.TryWrite(dir, "memory.swap.max", "0");
            }
            if (limits.Processes is { } count && sandbox._controllers.Contains("pids"))
                File.WriteAllText(Path.Combine(dir, "pids.max"), count.ToString(CultureInfo.InvariantCulture));
            return sandbox;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            sandbox.Dispose();
            return null;
        }
    }

    public override string Kind
    {
        get
        {
            var limited = new[] { "memory", "pids" }.Where(_controllers.Contains).ToList();
            var polled = new[] { "memory", "pids" }.Except(limited).ToList();
            return "cgroup v2 (" + (limited.Count > 0 ? string.Join(", ", limited) + " controllers" : "no controllers") +
                   (polled.Count > 0 ? $"; {string.Join(" and ", polled)} polled: the controller is not available below {Path.GetDirectoryName(_dir)}" : "") +
                   (File.Exists(Path.Combine(_dir, "cgroup.kill")) ? "; cgroup.kill)" : "; freeze and kill)");
        }
    }

    public override IReadOnlyCollection<int> SeenPids
    {
        get { lock (_seen) return [.. _seen]; }
    }

    public override void Adopt(int pid)
    {
        File.WriteAllText(Path.Combine(_dir, "cgroup.procs"), pid.ToString(CultureInfo.InvariantCulture));
        lock (_seen) _seen.Add(pid);
    }

    public override IReadOnlyList<int> Pids() => CgroupFiles.Procs(_dir);

    public override int KillAll()
    {
        var killed = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < KillDeadline)
        {
            var members = CgroupFiles.Procs(_dir);
            if (members.Count == 0) break;
            killed.UnionWith(members);
            // cgroup.kill SIGKILLs every member, and a process forked meanwhile, in one step of the kernel's.
            if (!CgroupFiles.TryWrite(_dir, "cgroup.kill", "1")) FreezeAndKill();
            Thread.Sleep(20);
            ReapOrphans();
        }
        return killed.Count;
    }

    // Before cgroup.kill: frozen, nobody inside can fork while the list is walked; SIGKILL takes effect on thaw.
    private void FreezeAndKill()
    {
        CgroupFiles.TryWrite(_dir, "cgroup.freeze", "1");
        var frozen = Stopwatch.StartNew();
        while (CgroupFiles.Field(CgroupFiles.Read(_dir, "cgroup.events"), "frozen") != 1 && frozen.ElapsedMilliseconds < 1000) Thread.Sleep(5);
        foreach (var pid in CgroupFiles.Procs(_dir)) Sys.Kill(pid, Sys.SIGKILL);
        CgroupFiles.TryWrite(_dir, "cgroup.freeze", "0");
    }

    public override string? Breach
    {
        get
        {
            if (_controllers.Contains("memory") && Limits.MemoryBytes is { } bytes)
            {
                var events = CgroupFiles.Read(_dir, "memory.events");
                if (CgroupFiles.Field(events, "oom_kill") is > 0 and var oom)
                    return $"exceeded its memory limit of {Mebibytes(bytes)} (the kernel's OOM killer ended {oom} of its processes)";
                // .NET caps its heap at 75 % of the group's limit and throws OutOfMemoryException before the kernel
                // has to kill; "max" counts the times the group hit memory.max and the kernel had to reclaim.
                if (CgroupFiles.Field(events, "max") > 0 || PeakMemoryBytes >= bytes * 3 / 4)
                    return $"exceeded its memory limit of {Mebibytes(bytes)} (its processes used {Mebibytes(PeakMemoryBytes)} at the most; .NET's heap may use 75 % of the limit)";
            }
            if (_controllers.Contains("pids") && Limits.Processes is { } count && CgroupFiles.Field(CgroupFiles.Read(_dir, "pids.events"), "max") is > 0 and var refused)
                return $"reached its limit of {count} processes ({refused} fork/clone calls were refused with EAGAIN)";
            return _polledBreach;
        }
    }

    public override long PeakMemoryBytes =>
        _controllers.Contains("memory") && CgroupFiles.Number(CgroupFiles.Read(_dir, "memory.peak")) is { } peak ? Math.Max(peak, _polled.PeakMemoryBytes) : _polled.PeakMemoryBytes;

    public override double? CpuSeconds => CgroupFiles.Field(CgroupFiles.Read(_dir, "cpu.stat"), "usage_usec") / 1e6;

    public override void Dispose()
    {
        _poll.Dispose();
        KillAll();
        CgroupFiles.TryRemove(_dir);
    }

    // The exact membership, read every 100 ms: for telling which kernel objects its processes made, for the peak
    // of memory.current (memory.peak is Linux 5.19), and for the limits no controller enforces here.
    private void Poll()
    {
        var members = CgroupFiles.Procs(_dir);
        lock (_seen) _seen.UnionWith(members);
        var alive = members.Select(ProcTable.Read).OfType<ProcEntry>().Where(e => e.State != 'Z').ToList();
        if (_polledBreach is not null || _polled.Observe(alive) is not { } breach) return;
        _polledBreach = breach;
        CgroupFiles.TryWrite(_dir, "cgroup.kill", "1");
    }

    private static HashSet<string> Words(string? text) => [.. (text ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];
}
