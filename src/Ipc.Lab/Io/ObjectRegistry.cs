using Ipc.Lab.Native;

namespace Ipc.Lab.Io;

/// <summary>The kernel objects this process created and has not removed yet, as lines of the run directory's
/// PID-objects file ("shm ID KEY", "sem ID KEY", "msg ID KEY", "posixshm NAME", "posixsem NAME", "posixmq NAME"). SysV objects and POSIX
/// names outlive their creator; the file is what lets the guardian remove them when we are SIGKILLed, and the
/// next run remove what a killed guardian could not.</summary>
internal static unsafe class ObjectRegistry
{
    private static readonly object Gate = new();
    private static readonly List<string> Lines = new();

    public static string FilePath => RunDirectory.OwnPrefix + "objects";

    /// <summary>Records an object. The guardian is started first, so that from now on our death removes it.</summary>
    public static void Add(string kind, string id, int key = 0)
    {
        RunProcesses.EnsureGuardian();
        lock (Gate)
        {
            Lines.Add(Line(kind, id, key));
            Save();
        }
    }

    public static void Remove(string kind, string id, int key = 0)
    {
        lock (Gate)
        {
            if (Lines.Remove(Line(kind, id, key))) Save();
        }
    }

    /// <summary>What this process holds now, as (kind, id) pairs.</summary>
    public static IReadOnlyList<(string Kind, string Id)> Held()
    {
        lock (Gate) return Lines.Select(l => l.Split(' ')).Select(p => (p[0], p[1])).ToArray();
    }

    private static string Line(string kind, string id, int key) => kind is "shm" or "sem" or "msg" ? $"{kind} {id} {key}" : $"{kind} {id}";

    private static void Save()
    {
        // An empty list is no file: a process that removed everything leaves no entry in the run directory.
        if (Lines.Count == 0)
        {
            File.Delete(FilePath);
            return;
        }
        // Written aside and renamed, so that the guardian, reading at any moment, sees a whole list.
        var temp = FilePath + ".new";
        File.WriteAllLines(temp, Lines);
        File.Move(temp, FilePath, overwrite: true);
    }

    /// <summary>Removes the objects a dead run listed, each only if it still is what that run created (same
    /// key, our user), and returns what it removed.</summary>
    public static List<string> RemoveLeftObjects(string registryFile)
    {
        var removed = new List<string>();
        string[] lines;
        try { lines = File.ReadAllLines(registryFile); }
        catch (IOException) { return removed; }
        foreach (var parts in lines.Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length >= 2))
        {
            switch (parts[0])
            {
                case "shm" or "sem" or "msg" when parts.Length == 3 && int.TryParse(parts[1], out int id) && int.TryParse(parts[2], out int key):
                    if (!SysVObjectMatches(parts[0], id, key)) break;
                    int r = parts[0] switch
                    {
                        "shm" => SysVCalls.shmctl(id, SysVCalls.IPC_RMID, null),
                        "sem" => SysVCalls.semctl(id, 0, SysVCalls.IPC_RMID, 0),
                        _ => SysVCalls.msgctl(id, SysVCalls.IPC_RMID, null),
                    };
                    if (r == 0) removed.Add($"System V {parts[0] switch { "shm" => "shared memory", "sem" => "semaphore set", _ => "message queue" }} {id}");
                    break;
                // A POSIX message queue has no file to delete where /dev/mqueue is not mounted (the guardian's
                // shell cannot remove it, and leaves its line here): mq_unlink by name.
                case "posixmq" when KernelNames.IsOurs(parts[1]):
                    fixed (byte* name = Sys.CString("/" + parts[1]))
                        if (PosixIpcCalls.mq_unlink(name) == 0) removed.Add($"POSIX message queue /{parts[1]}");
                    break;
                case "posixshm" or "posixsem" when KernelNames.IsOurs(parts[1]):
                    var path = "/dev/shm/" + (parts[0] == "posixsem" ? "sem." : "") + parts[1];
                    if (File.Exists(path))
                    {
                        File.Delete(path);
                        removed.Add(path);
                    }
                    break;
            }
        }
        return removed;
    }

    /// <summary>Whether the kernel still lists the object with this id and key, owned by our user: an id alone
    /// may have been reused by someone else's object since.</summary>
    private static bool SysVObjectMatches(string kind, int id, int key)
    {
        uint me = Tmds.Linux.LibC.getuid();
        return kind switch
        {
            "shm" => SysVIpcTable.SharedMemory().Any(s => s.Id == id && s.Key == key && s.Uid == me),
            "sem" => SysVIpcTable.SemaphoreSets().Any(s => s.Id == id && s.Key == key && s.Uid == me),
            _ => SysVIpcTable.MessageQueues().Any(s => s.Id == id && s.Key == key && s.Uid == me),
        };
    }

    /// <summary>POSIX objects in /dev/shm named for a run whose process is gone but that no list mentions
    /// (killed between creating one and writing the list). POSIX message queues cannot be found this way: without
    /// /dev/mqueue mounted the kernel lists them nowhere.</summary>
    public static List<string> RemoveUnlistedPosixObjects()
    {
        var removed = new List<string>();
        if (!Directory.Exists("/dev/shm")) return removed;
        foreach (var path in Directory.EnumerateFiles("/dev/shm"))
        {
            var name = System.IO.Path.GetFileName(path);
            if (name.StartsWith("sem.", StringComparison.Ordinal)) name = name[4..];
            if (KernelNames.DeadOwner(name) is null) continue;
            try
            {
                File.Delete(path);
                removed.Add(path);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }
}
