namespace Ipc.Lab.Pipes;

/// <summary>Who holds the ends of a pipe, read from /proc: this process and its children. It turns "read timed
/// out" into "the write end is still open in the notebook (fd 6) — close it to get end of file".</summary>
internal static class PipeHolders
{
    private const int AccessModeMask = 3, WriteOnly = 1;

    public static string ExplainNoData(int readFd, string description)
    {
        var link = Link(Environment.ProcessId, readFd);
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
            string[] fds;
            try { fds = Directory.GetFiles($"/proc/{pid}/fd"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var path in fds)
            {
                if (!int.TryParse(Path.GetFileName(path), out int fd)) continue;
                if (Link(pid, fd) != link) continue;
                if (IsWriteOnly(pid, fd) == writeEnd) yield return (pid, fd);
            }
        }
    }

    private static IEnumerable<int> OurProcesses()
    {
        yield return Environment.ProcessId;
        foreach (var c in Processes.ChildRegistry.Running()) yield return c.Pid;
    }

    private static string Name(int pid) =>
        Processes.ChildRegistry.Running().FirstOrDefault(c => c.Pid == pid) is { } c ? $"('{c.Name}') " : "";

    private static string? Link(int pid, int fd)
    {
        try { return new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static bool IsWriteOnly(int pid, int fd)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{fd}"))
                if (line.StartsWith("flags:", StringComparison.Ordinal))
                    return (Convert.ToInt32(line[6..].Trim(), 8) & AccessModeMask) == WriteOnly;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return false;
    }
}
