using Ipc.Lab.Io;
using Ipc.Lab.Native;

namespace Ipc.Lab.Pipes;

/// <summary>Who holds the ends of a pipe, read from /proc: this process and its children. It turns "read timed
/// out" into "the write end is still open in the notebook (fd 6) — close it to get end of file".</summary>
internal static class PipeHolders
{
    private const int AccessModeMask = 3, WriteOnly = 1;

    public static string ExplainNoData(int readFd, string description)
    {
        var link = ProcDescriptors.Target(Environment.ProcessId, readFd);
        if (link is null) return "";
        var writers = Holders(link, writeEnd: true).ToArray();
        if (writers.Length == 0) return "";
        var list = string.Join(", ", writers.Select(w => w.Pid == Environment.ProcessId ? $"this process (fd {w.Fd})" : $"pid {w.Pid} {Name(w.Pid)}(fd {w.Fd})"));
        var self = writers.Any(w => w.Pid == Environment.ProcessId);
        return $"No end of file either: a write end of this pipe is still open in {list}. " +
               "A reader sees end of file only when every write end is closed" +
               (self ? " — close the write end in this process once you have given it to the writer (pipe.WriteEnd.Close())." : ".");
    }

    /// <summary>(pid, fd) of every descriptor in this process or its children that refers to the pipe
    /// (link "pipe:[inode]") and is open for writing (or for reading).</summary>
    public static IEnumerable<(int Pid, int Fd)> Holders(string link, bool writeEnd)
    {
        foreach (int pid in OurProcesses())
        {
            foreach (int fd in ProcDescriptors.Of(pid) ?? [])
            {
                if (ProcDescriptors.Target(pid, fd) != link) continue;
                if (IsWriteOnly(pid, fd) == writeEnd) yield return (pid, fd);
            }
        }
    }

    private static IEnumerable<int> OurProcesses()
    {
        yield return Environment.ProcessId;
        foreach (var pid in RunProcesses.Running.Keys) yield return pid;
    }

    private static string Name(int pid) =>
        RunProcesses.Running.TryGetValue(pid, out var name) ? $"('{name}') " : "";

    private static bool IsWriteOnly(int pid, int fd) => ProcDescriptors.Flags(pid, fd) is int flags && (flags & AccessModeMask) == WriteOnly;
}
