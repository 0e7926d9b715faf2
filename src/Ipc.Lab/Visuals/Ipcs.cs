using Ipc.Lab.Io;
using Ipc.Lab.Native;

namespace Ipc.Lab.Visuals;

/// <summary>What `ipcs` and `ls /dev/shm` would show of the kernel objects this process created and has not
/// removed yet — read from the kernel (/proc/sysvipc, /dev/shm), not from the library's own objects, so that
/// "gone" means the kernel no longer has it.</summary>
public static class Ipcs
{
    private static readonly string[] Headers = ["kind", "id / name", "key", "perms", "size", "attached / semaphores"];

    public static Table Ours()
    {
        var rows = ObjectRegistry.Held().Select(o => o.Kind switch
        {
            "shm" => SharedMemory(o.Id),
            "sem" => SemaphoreSet(o.Id),
            "posixshm" => Posix("POSIX shared memory", "/dev/shm/" + o.Id, "/" + o.Id),
            _ => Posix("POSIX semaphore", "/dev/shm/sem." + o.Id, "/" + o.Id),
        }).ToList();
        var caption = rows.Count == 0
            ? $"No System V object or /dev/shm entry of this process (pid {Environment.ProcessId}) exists."
            : $"{rows.Count} kernel object(s) of this process (pid {Environment.ProcessId}), as the kernel lists them now.";
        return new Table(Headers, rows, caption);
    }

    private static IReadOnlyList<string> SharedMemory(string id)
    {
        const string kind = "System V shared memory";
        var s = SysVIpcTable.SharedMemory().FirstOrDefault(r => r.Id.ToString() == id);
        return s is null ? Gone(kind, id) : [kind, id, Key(s.Key), Octal(s.Mode), $"{s.Size:N0} B", s.Attached.ToString()];
    }

    private static IReadOnlyList<string> SemaphoreSet(string id)
    {
        const string kind = "System V semaphore set";
        var s = SysVIpcTable.SemaphoreSets().FirstOrDefault(r => r.Id.ToString() == id);
        return s is null ? Gone(kind, id) : [kind, id, Key(s.Key), Octal(s.Mode), "", s.Semaphores.ToString()];
    }

    private static IReadOnlyList<string> Gone(string kind, string id) => [kind, id, "", "", "", "gone"];

    private static string Key(int key) => $"0x{key:x8}";

    /// <summary>Permission bits as `ipcs` and /proc print them ("600").</summary>
    private static string Octal(int mode) => Convert.ToString(mode, 8);

    private static IReadOnlyList<string> Posix(string kind, string path, string name)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return [kind, name, "", "", "", "gone"];
        var mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
        return [kind, name, "", mode, $"{info.Length:N0} B", ""];
    }
}
