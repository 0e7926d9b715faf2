using Ipc.Lab.Native;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>What the kernel lists of SysV objects and POSIX names, read from the kernel (/proc/sysvipc through
/// Native's one reader of it, /dev/shm) so that the tests do not trust the library's own bookkeeping. Only objects the test knows by id and key, or
/// names of this user's course objects, are ever compared: other processes' objects come and go.</summary>
internal static class KernelObjects
{
    /// <summary>(key, id) of every SysV shared memory segment, or semaphore set.</summary>
    public static HashSet<(string Key, string Id)> SysV(bool shm) =>
        (shm ? SysVIpcTable.SharedMemory().Select(s => (s.Key, s.Id)) : SysVIpcTable.SemaphoreSets().Select(s => (s.Key, s.Id)))
        .Select(o => (o.Key.ToString(), o.Id.ToString())).ToHashSet();

    public static bool SysVExists(bool shm, int id, int key) => SysV(shm).Contains((key.ToString(), id.ToString()));

    /// <summary>The permission bits of a SysV object, as /proc/sysvipc prints them (octal, e.g. "600").</summary>
    public static string SysVMode(bool shm, int id)
    {
        int? mode = shm ? SysVIpcTable.SharedMemory().FirstOrDefault(s => s.Id == id)?.Mode : SysVIpcTable.SemaphoreSets().FirstOrDefault(s => s.Id == id)?.Mode;
        return mode is int m ? Convert.ToString(m, 8) : "gone";
    }

    /// <summary>The pid that created a SysV segment (cpid in /proc/sysvipc/shm), or null.</summary>
    public static int? ShmCreator(string id) => SysVIpcTable.SharedMemory().FirstOrDefault(s => s.Id.ToString() == id)?.CreatorPid;

    /// <summary>/dev/shm entries that are this process's course objects (POSIX shared memory and semaphores).
    /// Other processes' are left out: notebook runs of other tests may create and remove theirs meanwhile.</summary>
    public static HashSet<string> CourseEntriesInDevShm()
    {
        var mine = $"ipc-lab-{Tmds.Linux.LibC.getuid()}-{Environment.ProcessId}-";
        return Directory.EnumerateFiles("/dev/shm").Select(Path.GetFileName)
            .Where(n => n!.StartsWith(mine, StringComparison.Ordinal) || n.StartsWith("sem." + mine, StringComparison.Ordinal))
            .ToHashSet()!;
    }

    /// <summary>(key, id) of every SysV message queue (/proc/sysvipc/msg) of this user.</summary>
    public static HashSet<(int Key, int Id)> SysVQueues()
    {
        uint me = Tmds.Linux.LibC.getuid();
        return SysVIpcTable.MessageQueues().Where(q => q.Uid == me).Select(q => (q.Key, q.Id)).ToHashSet();
    }

    public static bool SysVQueueExists(int id, int key) => SysVQueues().Contains((key, id));

    /// <summary>The permission bits of a SysV message queue in octal ("600"), or "gone".</summary>
    public static string SysVQueueMode(int id) =>
        SysVIpcTable.MessageQueues().FirstOrDefault(q => q.Id == id)?.Mode is int m ? Convert.ToString(m, 8) : "gone";
}
