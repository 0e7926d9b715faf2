namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>What the kernel lists of SysV objects and POSIX names, read directly (/proc/sysvipc, /dev/shm) so
/// that the tests do not trust the library's own bookkeeping. Only objects the test knows by id and key, or
/// names of this user's course objects, are ever compared: other processes' objects come and go.</summary>
internal static class KernelObjects
{
    /// <summary>(key, id) of every SysV shared memory segment, or semaphore set.</summary>
    public static HashSet<(string Key, string Id)> SysV(bool shm)
    {
        var set = new HashSet<(string, string)>();
        foreach (var line in File.ReadLines(shm ? "/proc/sysvipc/shm" : "/proc/sysvipc/sem").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 1) set.Add((f[0], f[1]));
        }
        return set;
    }

    public static bool SysVExists(bool shm, int id, int key) => SysV(shm).Contains((key.ToString(), id.ToString()));

    /// <summary>The permission bits of a SysV object, as /proc/sysvipc prints them (octal, e.g. "600").</summary>
    public static string SysVMode(bool shm, int id)
    {
        foreach (var line in File.ReadLines(shm ? "/proc/sysvipc/shm" : "/proc/sysvipc/sem").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 2 && f[1] == id.ToString()) return f[2];
        }
        return "gone";
    }

    /// <summary>The pid that created a SysV segment (cpid, fifth column of /proc/sysvipc/shm), or null.</summary>
    public static int? ShmCreator(string id)
    {
        foreach (var line in File.ReadLines("/proc/sysvipc/shm").Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 4 && f[1] == id) return int.Parse(f[4]);
        }
        return null;
    }

    /// <summary>/dev/shm entries that are this process's course objects (POSIX shared memory and semaphores).
    /// Other processes' are left out: notebook runs of other tests may create and remove theirs meanwhile.</summary>
    public static HashSet<string> CourseEntriesInDevShm()
    {
        var mine = $"ipc-lab-{Tmds.Linux.LibC.getuid()}-{Environment.ProcessId}-";
        return Directory.EnumerateFiles("/dev/shm").Select(Path.GetFileName)
            .Where(n => n!.StartsWith(mine, StringComparison.Ordinal) || n.StartsWith("sem." + mine, StringComparison.Ordinal))
            .ToHashSet()!;
    }
}
