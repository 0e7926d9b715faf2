using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>One System V object as /proc/sysvipc lists it: which kind, its id, who created it, and the pids that
/// the kernel remembers for it (the creator of a segment; the last sender and receiver of a queue).</summary>
internal readonly record struct SysVObject(string Kind, int Id, uint CreatorUid, long ChangeTime, int[] Pids);

/// <summary>Where a worker has no IPC and mount namespace of its own (no root): the kernel objects a submission
/// made, with the library or without it, are found by a before/after comparison of /proc/sysvipc and /dev/shm
/// and removed. An object counts as the submission's when it is new, created by our uid (System V), and either names one of
/// the submission's processes (segment creator, queue sender/receiver) or — for semaphores and /dev/shm entries,
/// which name none — no other submission ran at the same time.</summary>
internal sealed class KernelObjectSweep
{
    private static int _running;
    private readonly HashSet<(string, int, long)> _before;
    private readonly HashSet<string> _shmBefore;
    private readonly DateTime _started = DateTime.UtcNow;
    private bool _overlapped;

    public KernelObjectSweep()
    {
        if (Interlocked.Increment(ref _running) > 1) _overlapped = true;
        _before = [.. SysV().Select(o => (o.Kind, o.Id, o.ChangeTime))];
        _shmBefore = [.. ShmEntries()];
    }

    /// <summary>Another submission started while this one ran (call from a shared place when one starts).</summary>
    public void NoteOverlap() => _overlapped = true;

    public static int Running => Volatile.Read(ref _running);

    /// <summary>Removes what the submission left; returns a line per object removed.</summary>
    public List<string> Sweep(IReadOnlyCollection<int> submissionPids)
    {
        Interlocked.Decrement(ref _running);
        var removed = new List<string>();
        var uid = Sys.GetEuid();
        var pids = submissionPids.ToHashSet();
        foreach (var o in SysV())
        {
            if (o.CreatorUid != uid || _before.Contains((o.Kind, o.Id, o.ChangeTime))) continue;
            var ours = o.Pids.Any(pids.Contains) || (!_overlapped && o.Pids.All(p => p == 0));
            if (!ours) continue;
            var result = o.Kind switch
            {
                "shm" => Sys.ShmCtl(o.Id, Sys.IPC_RMID, 0),
                "sem" => Sys.SemCtl(o.Id, 0, Sys.IPC_RMID),
                _ => Sys.MsgCtl(o.Id, Sys.IPC_RMID, 0),
            };
            if (result == 0) removed.Add($"System V {o.Kind} id {o.Id}");
        }
        if (!_overlapped)
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
