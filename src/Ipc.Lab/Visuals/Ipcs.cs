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
            "msg" => MessageQueue(o.Id),
            "posixshm" => Posix("POSIX shared memory", "/dev/shm/" + o.Id, "/" + o.Id),
            "posixmq" => PosixQueue(o.Id),
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

    private static IReadOnlyList<string> MessageQueue(string id)
    {
        const string kind = "System V message queue";
        var q = SysVIpcTable.MessageQueues().FirstOrDefault(r => r.Id.ToString() == id);
        return q is null ? Gone(kind, id) : [kind, id, Key(q.Key), Octal(q.Mode), $"{q.Bytes:N0} B", $"{q.Messages} message(s)"];
    }

    /// <summary>The kernel lists POSIX queues only in the mqueue file system, which is not mounted on every
    /// machine (here it is not): then say so, instead of calling a live queue gone.</summary>
    private static IReadOnlyList<string> PosixQueue(string name)
    {
        const string kind = "POSIX message queue";
        if (!MqueueMounted) return [kind, "/" + name, "", "", "", "not listed: /dev/mqueue is not mounted (mount -t mqueue none /dev/mqueue)"];
        return Posix(kind, "/dev/mqueue/" + name, "/" + name);
    }

    /// <summary>Whether the mqueue file system is mounted at /dev/mqueue (/proc/self/mounts).</summary>
    public static bool MqueueMounted =>
        File.ReadLines("/proc/self/mounts").Any(l => l.Split(' ') is [_, "/dev/mqueue", "mqueue", ..]);

    /// <summary>Every System V message queue on the machine, whoever created it — what `ipcs -q` prints, from
    /// /proc/sysvipc/msg; with <paramref name="key"/>, only the queue with that key.</summary>
    public static Table Queues(int? key = null)
    {
        var rows = SysVIpcTable.MessageQueues().Where(q => key is null || q.Key == key)
            .Select(q => (IReadOnlyList<string>)[Key(q.Key), q.Id.ToString(), q.Uid.ToString(), Octal(q.Mode), $"{q.Bytes:N0}", q.Messages.ToString()]).ToList();
        string which = key is null ? "on this machine" : $"with key {Key(key.Value)}";
        return new Table(["key", "msqid", "owner uid", "perms", "used-bytes", "messages"], rows,
            rows.Count == 0 ? $"No System V message queue {which} (ipcs -q)." : $"{rows.Count} System V message queue(s) {which}, as ipcs -q lists them.");
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
