using System.Diagnostics;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>Containment where no cgroup is writable (a student's laptop, a CI runner without root): the runner
/// becomes a child subreaper, so an orphan of a double fork or a setsid daemon is reparented to it instead of
/// to init; a poll of /proc every 100 ms follows the worker's descendants, and orphans are recognised by the
/// tag in their inherited environment. Limits are enforced by that poll (the sum of their own memory, the count
/// of live processes): coarser than a cgroup, which the kernel enforces at every allocation and fork.
/// RLIMIT_NPROC is not used: it counts every process of the user, not of this submission, and root ignores it.</summary>
internal sealed class TreeSandbox : Sandbox
{
    private static readonly TimeSpan KillDeadline = TimeSpan.FromSeconds(10);
    private static readonly Lazy<bool> Subreaper = new(() => Sys.Prctl(Sys.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);

    private readonly Dictionary<int, long> _members = [];   // pid → start time, so a reused pid is not killed
    private readonly HashSet<int> _seen = [];
    private readonly Timer _poll;
    private int _worker;
    private readonly PolledLimits _polled;
    private volatile string? _breach;

    public TreeSandbox(Limits limits) : base(limits)
    {
        _ = Subreaper.Value;
        _polled = new PolledLimits(limits, memory: true, processes: true);
        _poll = new Timer(_ => Poll(), null, 100, 100);
    }

    public override string Kind => Subreaper.Value ? "process tree (child subreaper, /proc)" : "process tree (/proc; no subreaper)";

    public override IReadOnlyCollection<int> SeenPids
    {
        get { lock (_members) return [.. _seen]; }
    }

    public override string? Breach => _breach;

    public override long PeakMemoryBytes => _polled.PeakMemoryBytes;

    public override double? CpuSeconds => _polled.CpuSeconds;

    public override void Adopt(int pid)
    {
        _worker = pid;
        lock (_members)
        {
            if (ProcTable.Read(pid) is { } entry) _members[pid] = entry.StartTime;
            _seen.Add(pid);
        }
    }

    public override IReadOnlyList<int> Pids() => [.. Collect(ProcTable.Snapshot()).Select(e => e.Pid)];

    public override int KillAll()
    {
        var killed = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < KillDeadline)
        {
            var alive = Collect(ProcTable.Snapshot());
            if (alive.Count == 0) break;
            foreach (var entry in alive)
                if (Sys.Kill(entry.Pid, Sys.SIGKILL) == 0) killed.Add(entry.Pid);
            Thread.Sleep(20);
            ReapOrphans();
        }
        return killed.Count;
    }

    public override void Dispose()
    {
        _poll.Dispose();
        KillAll();
    }

    // Live members: the worker's descendants now, the ones seen before (still the same process), and orphans
    // reparented to us or to init that carry this sandbox's tag. Zombies are dead already.
    private List<ProcEntry> Collect(List<ProcEntry> table)
    {
        var byPid = table.ToDictionary(e => e.Pid);
        lock (_members)
        {
            if (_worker != 0 && byPid.ContainsKey(_worker))
                foreach (var d in ProcTable.Descendants(table, _worker)) _members.TryAdd(d.Pid, d.StartTime);
            var self = Environment.ProcessId;
            foreach (var orphan in table.Where(e => (e.ParentPid == self || e.ParentPid == 1) && !_members.ContainsKey(e.Pid) && e.State != 'Z'))
                if (ProcTable.HasEnvironment(orphan.Pid, $"{TagVariable}={Tag}"))
                {
                    _members[orphan.Pid] = orphan.StartTime;
                    foreach (var d in ProcTable.Descendants(table, orphan.Pid)) _members.TryAdd(d.Pid, d.StartTime);
                }
            var alive = new List<ProcEntry>();
            foreach (var (pid, start) in _members.ToList())
            {
                if (byPid.TryGetValue(pid, out var e) && e.StartTime == start && e.State != 'Z') alive.Add(e);
                else if (!byPid.ContainsKey(pid)) _members.Remove(pid);
            }
            _seen.UnionWith(alive.Select(e => e.Pid));
            return alive;
        }
    }

    private void Poll()
    {
        if (_worker == 0) return;
        var alive = Collect(ProcTable.Snapshot());
        if (_breach is not null) return;
        _breach = _polled.Observe(alive);
        if (_breach is not null)
            foreach (var e in alive) Sys.Kill(e.Pid, Sys.SIGKILL);
    }
}
