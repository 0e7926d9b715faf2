using Ipc.Lab.Io;

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
            "shm" => SysV("/proc/sysvipc/shm", "System V shared memory", o.Id, sizeColumn: 3, countColumn: 6),
            "sem" => SysV("/proc/sysvipc/sem", "System V semaphore set", o.Id, sizeColumn: -1, countColumn: 3),
            "posixshm" => Posix("POSIX shared memory", "/dev/shm/" + o.Id, "/" + o.Id),
            _ => Posix("POSIX semaphore", "/dev/shm/sem." + o.Id, "/" + o.Id),
        }).ToList();
        var caption = rows.Count == 0
            ? $"No System V object or /dev/shm entry of this process (pid {Environment.ProcessId}) exists."
            : $"{rows.Count} kernel object(s) of this process (pid {Environment.ProcessId}), as the kernel lists them now.";
        return new Table(Headers, rows, caption);
    }

    private static IReadOnlyList<string> SysV(string file, string kind, string id, int sizeColumn, int countColumn)
    {
        foreach (var line in File.ReadLines(file).Skip(1))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length <= countColumn || f[1] != id) continue;
            return [kind, id, $"0x{int.Parse(f[0]):x8}", f[2], sizeColumn < 0 ? "" : $"{long.Parse(f[sizeColumn]):N0} B", f[countColumn]];
        }
        return [kind, id, "", "", "", "gone"];
    }

    private static IReadOnlyList<string> Posix(string kind, string path, string name)
    {
        var info = new FileInfo(path);
        if (!info.Exists) return [kind, name, "", "", "", "gone"];
        var mode = Convert.ToString((int)File.GetUnixFileMode(path), 8);
        return [kind, name, "", mode, $"{info.Length:N0} B", ""];
    }
}
