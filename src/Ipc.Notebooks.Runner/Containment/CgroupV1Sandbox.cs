using System.Diagnostics;
using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>A cgroup v1 group in each of the memory, pids and freezer hierarchies, made below the runner's own
/// groups (so limits set above it still apply). Children are born into their parent's group and cannot leave it
/// without write access to the hierarchy, whatever they do with sessions and process groups. Killing is
/// freeze, SIGKILL every member, thaw: a frozen fork bomb cannot add members while we kill.</summary>
internal sealed class CgroupV1Sandbox : Sandbox
{
    private const string Root = "/sys/fs/cgroup";
    private static readonly string[] Controllers = ["memory", "pids", "freezer"];
    private const string Accounting = "cpuacct";
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, string> _groups;
    private readonly HashSet<int> _seen = [];
    private readonly Timer _poll;

    private CgroupV1Sandbox(Limits limits, Dictionary<string, string> groups) : base(limits)
    {
        _groups = groups;
        _poll = new Timer(_ => Poll(), null, 100, 100);
    }

    public override string Kind => _groups.ContainsKey(Accounting) ? "cgroup v1 (memory, pids, freezer, cpuacct)" : "cgroup v1 (memory, pids, freezer)";

    public override IReadOnlyCollection<int> SeenPids
    {
        get { lock (_seen) return [.. _seen]; }
    }

    private static int _staleRemoved;

    public static CgroupV1Sandbox? TryCreate(Limits limits)
    {
        var own = OwnGroups();
        if (Interlocked.Exchange(ref _staleRemoved, 1) == 0)
            foreach (var controller in Controllers.Append(Accounting).Where(own.ContainsKey))
                CgroupFiles.RemoveStale(Path.Combine(Root, controller) + own[controller].TrimEnd('/'));
        var groups = new Dictionary<string, string>();
        var name = CgroupFiles.NewName();
        try
        {
            foreach (var controller in Controllers)
            {
                if (!own.TryGetValue(controller, out var path) || !File.Exists(Path.Combine(Root, controller, "cgroup.procs"))) return Undo(groups);
                var dir = Path.Combine(Root, controller) + path.TrimEnd('/') + "/" + name;
                Directory.CreateDirectory(dir);
                groups[controller] = dir;
            }
            // cpuacct counts the CPU time of every process inside; without it only the worker's own is limited.
            if (own.TryGetValue(Accounting, out var accounting) && File.Exists(Path.Combine(Root, Accounting, "cgroup.procs")))
            {
                try
                {
                    groups[Accounting] = Directory.CreateDirectory(Path.Combine(Root, Accounting) + accounting.TrimEnd('/') + "/" + name).FullName;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
            var sandbox = new CgroupV1Sandbox(limits, groups);
            if (limits.MemoryBytes is { } bytes)
            {
                sandbox.Write("memory", "memory.limit_in_bytes", bytes.ToString(CultureInfo.InvariantCulture));
                // Without swap the limit is the limit; where swap exists, memsw keeps it from being the way out.
                sandbox.TryWrite("memory", "memory.memsw.limit_in_bytes", bytes.ToString(CultureInfo.InvariantCulture));
            }
            if (limits.Processes is { } count) sandbox.Write("pids", "pids.max", count.ToString(CultureInfo.InvariantCulture));
            return sandbox;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Undo(groups);
        }
    }

    private static CgroupV1Sandbox? Undo(Dictionary<string, string> groups)
    {
        foreach (var dir in groups.Values) CgroupFiles.TryRemove(dir);
        return null;
    }

    public override void Adopt(int pid)
    {
        foreach (var controller in Controllers) Write(controller, "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture));
        // Without the accounting group the CPU limit still holds for the worker itself (RLIMIT_CPU).
        if (_groups.ContainsKey(Accounting) && !CgroupFiles.TryWrite(_groups[Accounting], "cgroup.procs", pid.ToString(CultureInfo.InvariantCulture)))
            CgroupFiles.TryRemove(_groups[Accounting]);
        lock (_seen) _seen.Add(pid);
    }

    public override IReadOnlyList<int> Pids() => Members();

    public override int KillAll()
    {
        var killed = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < KillDeadline)
        {
            var members = Members();
            if (members.Count == 0) break;
            // Frozen, nobody inside can fork while the list is walked; SIGKILL takes effect on thaw.
            TryWrite("freezer", "freezer.state", "FROZEN");
            var frozen = Stopwatch.StartNew();
            while (Read("freezer", "freezer.state")?.Trim() == "FREEZING" && frozen.ElapsedMilliseconds < 1000) Thread.Sleep(5);
            foreach (var pid in Members())
                if (Sys.Kill(pid, Sys.SIGKILL) == 0) killed.Add(pid);
            TryWrite("freezer", "freezer.state", "THAWED");
            Thread.Sleep(20);
            ReapOrphans();
        }
        return killed.Count;
    }

    public override string? Breach
    {
        get
        {
            var oom = Field(Read("memory", "memory.oom_control"), "oom_kill");
            if (Limits.MemoryBytes is { } bytes)
            {
                if (oom > 0) return $"exceeded its memory limit of {Mebibytes(bytes)} (the kernel's OOM killer ended {oom} of its processes)";
                // .NET caps its heap at 75 % of the cgroup's limit and throws OutOfMemoryException (or collects
                // without end until the cell times out) before the kernel has to kill: a group that came that close,
                // or that the kernel had to reclaim from, ran into its limit.
                if (Field("failcnt=" + (Read("memory", "memory.failcnt") ?? "0").Trim(), "failcnt") > 0 || PeakMemoryBytes >= bytes * 3 / 4)
                    return $"exceeded its memory limit of {Mebibytes(bytes)} (its processes used {Mebibytes(PeakMemoryBytes)} at the most; .NET's heap may use 75 % of the limit)";
            }
            var refused = Field(Read("pids", "pids.events"), "max");
            if (refused > 0 && Limits.Processes is { } count)
                return $"reached its limit of {count} processes ({refused} fork/clone calls were refused with EAGAIN)";
            return null;
        }
    }

    public override double? CpuSeconds =>
        _groups.ContainsKey(Accounting) && Directory.Exists(_groups[Accounting]) && CgroupFiles.Number(Read(Accounting, "cpuacct.usage")) is { } nanoseconds ? nanoseconds / 1e9 : null;

    public override long PeakMemoryBytes => long.TryParse(Read("memory", "memory.max_usage_in_bytes")?.Trim(), CultureInfo.InvariantCulture, out var peak) ? peak : 0;

    public override void Dispose()
    {
        _poll.Dispose();
        KillAll();
        foreach (var dir in _groups.Values) CgroupFiles.TryRemove(dir);
    }

    private void Poll()
    {
        var members = Members();
        lock (_seen) _seen.UnionWith(members);
    }

    private List<int> Members() => CgroupFiles.Procs(_groups["pids"]);

    private static Dictionary<string, string> OwnGroups()
    {
        var groups = new Dictionary<string, string>();
        foreach (var line in File.ReadLines("/proc/self/cgroup"))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3)
                foreach (var controller in parts[1].Split(',')) groups[controller] = parts[2];
        }
        return groups;
    }

    private void Write(string controller, string file, string value) => File.WriteAllText(Path.Combine(_groups[controller], file), value);

    private void TryWrite(string controller, string file, string value) => CgroupFiles.TryWrite(_groups[controller], file, value);

    private string? Read(string controller, string file) => CgroupFiles.Read(_groups[controller], file);

    private static long Field(string? text, string name) => CgroupFiles.Field(text, name);
}
