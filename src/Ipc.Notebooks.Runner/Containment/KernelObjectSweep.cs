using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>One System V object as /proc/sysvipc lists it: which kind, its id, who created it, and the pids that
/// the kernel remembers for it (the creator of a segment; the last sender and receiver of a queue).</summary>
internal readonly record struct SysVObject(string Kind, int Id, uint CreatorUid, long ChangeTime, int[] Pids);

/// <summary>Where a worker has no IPC and mount namespace of its own (no root): the kernel objects a submission
/// made, with the library or without it, are found by a before/after comparison of /proc/sysvipc and /dev/shm
/// and removed. Other runs share the machine — a second `run`, the tests, a student's kernel — and their objects
/// are just as new and just as much our uid's, so an object is removed only on evidence that names the
/// submission: a pid the kernel keeps for it (a segment's creator or last attacher, a queue's last sender or
/// receiver, a semaphore's last `semop`, read with GETPID) that was one of the submission's processes. An object
/// no pid names (a queue or semaphore created and never used) is left alone: removing it on a guess once
/// deleted another notebook's queue while that notebook waited on it. A /dev/shm entry keeps no pid: one the
/// library named carries its creator's pid in the name; any other is removed only when it is new, no other
/// submission of this runner overlapped, and no process on the machine still has it open or mapped.</summary>
internal sealed class KernelObjectSweep
{
    private static int _running;
    private static long _starts;
    private readonly HashSet<(string, int, long)> _before;
    private readonly HashSet<string> _shmBefore;
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly long _myStart;
    private readonly bool _othersRunning;

    public KernelObjectSweep()
    {
        _othersRunning = Interlocked.Increment(ref _running) > 1;
        _myStart = Interlocked.Increment(ref _starts);
        _before = [.. SysV().Select(o => (o.Kind, o.Id, o.ChangeTime))];
        _shmBefore = [.. ShmEntries()];
    }

    /// <summary>Another submission of this runner ran at some time while this one did: one already running when
    /// this started, or one started since.</summary>
    private bool Overlapped => _othersRunning || Volatile.Read(ref _starts) != _myStart;

    /// <summary>Removes what the submission left; returns a line per object removed.</summary>
    public List<string> Sweep(IReadOnlyCollection<int> submissionPids)
    {
        var overlapped = Overlapped;
        Interlocked.Decrement(ref _running);
        var removed = new List<string>();
        var uid = Sys.GetEuid();
        var pids = submissionPids.ToHashSet();
        foreach (var o in SysV())
        {
            if (o.CreatorUid != uid || _before.Contains((o.Kind, o.Id, o.ChangeTime))) continue;
            if (!o.Pids.Any(pids.Contains)) continue;
            var result = o.Kind switch
            {
                "shm" => Sys.ShmCtl(o.Id, Sys.IPC_RMID, 0),
                "sem" => Sys.SemCtl(o.Id, 0, Sys.IPC_RMID),
                _ => Sys.MsgCtl(o.Id, Sys.IPC_RMID, 0),
            };
            if (result == 0) removed.Add($"System V {o.Kind} id {o.Id}");
        }
        var held = new Lazy<HashSet<string>>(OpenOrMappedShm);
        foreach (var path in ShmEntries().Where(p => !_shmBefore.Contains(p)))
        {
            var ours = LibraryCreator(Path.GetFileName(path)) is int creator
                ? pids.Contains(creator)
                : !overlapped && File.GetCreationTimeUtc(path) >= _started.AddSeconds(-1) && !held.Value.Contains(path);
            if (!ours) continue;
            try
            {
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
        // A semaphore set names no pid in its line; each semaphore's last semop pid comes from semctl(GETPID).
        foreach (var (kind, cuid, ctime, pidColumns) in new[] { ("shm", 9, 13, new[] { 4, 5 }), ("sem", 6, 9, Array.Empty<int>()), ("msg", 9, 13, new[] { 5, 6 }) })
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
                int id = Int(f[1]);
                int[] pids = kind == "sem"
                    ? [.. Enumerable.Range(0, Int(f[3])).Select(n => Sys.SemCtl(id, n, Sys.GETPID)).Where(p => p > 0)]
                    : [.. pidColumns.Select(c => Int(f[c]))];
                objects.Add(new SysVObject(kind, id, uint.Parse(f[cuid], CultureInfo.InvariantCulture), long.Parse(f[ctime], CultureInfo.InvariantCulture), pids));
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

    /// <summary>The pid in a name the course library gave (ipc-lab-UID-PID-name), or null for any other name.</summary>
    private static int? LibraryCreator(string name)
    {
        var parts = name.Split('-', 5);
        return parts.Length == 5 && parts[0] == "ipc" && parts[1] == "lab" && int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid : null;
    }

    /// <summary>Every /dev/shm path some process on the machine has open or mapped now (as far as /proc lets us see).</summary>
    private static HashSet<string> OpenOrMappedShm()
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(dir, "fd")))
                    if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("/dev/shm/", StringComparison.Ordinal)) held.Add(target);
                foreach (var line in File.ReadLines(Path.Combine(dir, "maps")))
                    if (line.IndexOf("/dev/shm/", StringComparison.Ordinal) is var at and >= 0) held.Add(line[at..].Replace(" (deleted)", ""));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
        return held;
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
