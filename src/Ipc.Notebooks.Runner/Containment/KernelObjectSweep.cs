using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>One System V object as /proc/sysvipc lists it: which kind, its id, who created it, and the pids that
/// the kernel remembers for it (the creator of a segment; the last sender and receiver of a queue).</summary>
internal readonly record struct SysVObject(string Kind, int Id, uint CreatorUid, long ChangeTime, int[] Pids);

/// <summary>Where a worker has no IPC and mount namespace of its own (no root): the kernel objects a submission
/// made, with the library or without it, are found by a before/after comparison of /proc/sysvipc and /dev/shm
/// and removed. An object counts as the submission's when it is new, created by our uid (System V), and either names one of
/// the submission's processes (segment creator, queue sender/receiver) or no other submission ran at any moment
/// of this one's run. What neither rule attributes (an object of submissions graded side by side, whose creator
/// exited between two polls, or a semaphore, which names no process) is removed by <see cref="RemoveOrphans"/> once
/// the whole grading run is over, when every process that could have named it has exited.</summary>
internal sealed class KernelObjectSweep
{
    private static readonly List<KernelObjectSweep> Live = [];
    private readonly HashSet<(string, int, long)> _before;
    private readonly HashSet<string> _shmBefore;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly bool _claimUnattributed;
    private volatile bool _overlapped;

    /// <param name="claimUnattributed">Whether new objects of our uid that name none of the submission's processes
    /// may still be its own (no other submission ran meanwhile): only for a grader whose uid is not root, whose
    /// objects are the submissions'; `run`, or root, shares its uid with everything else on the machine.</param>
    public KernelObjectSweep(bool claimUnattributed)
    {
        _claimUnattributed = claimUnattributed && Sys.GetEuid() != 0;
        _before = Baseline();
        _shmBefore = [.. ShmEntries()];
        // Overlap is symmetric: a submission that starts while others run overlaps them, and they it.
        lock (Live)
        {
            foreach (var other in Live) other._overlapped = true;
            _overlapped = Live.Count > 0;
            Live.Add(this);
        }
    }

    /// <summary>The System V objects that exist now (kind, id, change time), for telling new ones later.</summary>
    public static HashSet<(string, int, long)> Baseline() => [.. SysV().Select(o => (o.Kind, o.Id, o.ChangeTime))];

    /// <summary>Removes what the submission left; returns a line per object removed.</summary>
    public List<string> Sweep(IReadOnlyCollection<int> submissionPids)
    {
        lock (Live) Live.Remove(this);
        var pids = submissionPids.ToHashSet();
        var alone = _claimUnattributed && !_overlapped;
        var removed = Remove(_before, o => o.Pids.Any(pids.Contains) || alone);
        if (alone)
            foreach (var path in ShmEntries().Where(p => !_shmBefore.Contains(p)))
            {
                try
                {
                    if (File.GetCreationTimeUtc(path) < _started.AddSeconds(-1)) continue;
                    File.Delete(path);
                    removed.Add(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                }
            }
        return removed;
    }

    /// <summary>After a whole grading run without namespaces: System V objects made during it by our uid whose every
    /// recorded process has exited (a semaphore records none) are what submissions left; they are removed.</summary>
    public static List<string> RemoveOrphans(HashSet<(string, int, long)> before) => Sys.GetEuid() == 0 ? [] :
        Remove(before, o => o.Pids.All(p => p == 0 || !Directory.Exists($"/proc/{p}")));

    private static List<string> Remove(HashSet<(string, int, long)> before, Func<SysVObject, bool> ours)
    {
        var removed = new List<string>();
        var uid = Sys.GetEuid();
        foreach (var o in SysV())
        {
            if (o.CreatorUid != uid || before.Contains((o.Kind, o.Id, o.ChangeTime)) || !ours(o)) continue;
            var result = o.Kind switch
            {
                "shm" => Sys.ShmCtl(o.Id, Sys.IPC_RMID, 0),
                "sem" => Sys.SemCtl(o.Id, 0, Sys.IPC_RMID),
                _ => Sys.MsgCtl(o.Id, Sys.IPC_RMID, 0),
            };
            if (result == 0) removed.Add($"System V {o.Kind} id {o.Id}");
        }
        return removed;
    }

    public static List<SysVObject> SysV()
    {
        var objects = new List<SysVObject>();
        // Columns: shm  key shmid perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime ...
        //          sem  key semid perms nsems uid gid cuid cgid otime ctime
        //          msg  key msqid perms cbytes qnum lspid lrpid uid gid cuid cgid stime rtime ctime
        foreach (var (kind, cuid, ctime, pidColumns) in new[] { ("shm", 9, 13, new[] { 4 }), ("sem", 6, 9, Array.Empty<int>()), ("msg", 9, 13, new[] { 5, 6 }) })
        {
            string[] lines;
            try
            {
                lines = File.ReadAllLines($"/proc/sysvipc/{kind}");
            }
            catch (IOException)
            {
                continue;
            }
            foreach (var line in lines.Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length <= ctime) continue;
                objects.Add(new SysVObject(kind, Int(f[1]), uint.Parse(f[cuid], CultureInfo.InvariantCulture), long.Parse(f[ctime], CultureInfo.InvariantCulture),
                    [.. pidColumns.Select(c => Int(f[c]))]));
            }
        }
        return objects;
    }

    private static IEnumerable<string> ShmEntries()
    {
        try
        {
            return [.. Directory.EnumerateFiles("/dev/shm")];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
