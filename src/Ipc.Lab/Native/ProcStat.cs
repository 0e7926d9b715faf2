namespace Ipc.Lab.Native;

/// <summary>The leading fields of /proc/PID/stat (or /proc/PID/task/TID/stat, where <see cref="Pid"/> is the
/// thread's id), the one reader of that format. The command name is in parentheses and may itself contain
/// spaces and parentheses, so it is taken up to the last ')' and the numbered fields are counted after it.</summary>
internal sealed record ProcStat(int Pid, string Command, char State, int ParentPid, int ProcessGroup, int Session)
{
    /// <summary>One stat line as the kernel prints it: "pid (comm) state ppid pgrp session ...".</summary>
    public static ProcStat Parse(string line)
    {
        int open = line.IndexOf('(');
        int close = line.LastIndexOf(')');
        if (open < 1 || close < open || close + 2 >= line.Length)
            throw new FormatException($"Not a /proc stat line: \"{line}\".");
        var after = line[(close + 2)..].Split(' ');
        return new ProcStat(
            Pid: int.Parse(line.AsSpan(0, open - 1)),
            Command: line[(open + 1)..close],
            State: after[0][0],
            ParentPid: int.Parse(after[1]),
            ProcessGroup: int.Parse(after[2]),
            Session: int.Parse(after[3]));
    }

    /// <summary>/proc/PID/stat; null when there is no such process (or it is not ours to read).</summary>
    public static ProcStat? Of(int pid) => TryRead($"/proc/{pid}/stat");

    /// <summary>Every thread of process <paramref name="pid"/>, from /proc/PID/task/*/stat; null when the process
    /// is gone or a thread could not be read (it ended meanwhile): the caller asks again rather than judge a
    /// process by some of its threads.</summary>
    public static IReadOnlyList<ProcStat>? ThreadsOf(int pid)
    {
        try
        {
            var threads = new List<ProcStat>();
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                if (TryRead(Path.Combine(task, "stat")) is not { } stat) return null;
                threads.Add(stat);
            }
            return threads;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    private static ProcStat? TryRead(string path)
    {
        try { return Parse(File.ReadAllText(path)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
