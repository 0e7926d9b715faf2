using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>One line of /proc/PID/stat that containment cares about. StartTime (clock ticks after boot) tells a
/// process from a later one that got the same pid; CpuTicks is its own user and system time (not its children's,
/// which would count a child twice: once alive, once in its parent's total after the wait).</summary>
internal readonly record struct ProcEntry(int Pid, int ParentPid, long StartTime, char State, long CpuTicks);

internal static class ProcTable
{
    /// <summary>Clock ticks per second, the unit of /proc/PID/stat's times.</summary>
    public static readonly long TicksPerSecond = Sys.SysConf(Sys._SC_CLK_TCK) is > 0 and var ticks ? ticks : 100;

    /// <summary>Every process visible now; ones that exit while we read are skipped.</summary>
    public static List<ProcEntry> Snapshot()
    {
        var entries = new List<ProcEntry>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Read(pid) is { } entry) entries.Add(entry);
        }
        return entries;
    }

    public static ProcEntry? Read(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        // The command name is in parentheses and may itself hold spaces and parentheses: fields start after the last ')'.
        var close = stat.LastIndexOf(')');
        if (close < 0) return null;
        var fields = stat[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); ppid is field 4, utime 14, stime 15, starttime 22.
        if (fields.Length < 20) return null;
        return new ProcEntry(pid, Int(fields[1]), Long(fields[19]), fields[0][0], Long(fields[11]) + Long(fields[12]));
    }

    /// <summary>The memory a process holds for itself: anonymous pages and shared memory (RssAnon + RssShmem of
    /// /proc/PID/status), without the file pages of libraries that every process maps and the kernel can drop. A
    /// sum of full RSS counts libc once per process: 300 idle `sleep`s would seem to hold 600 MiB. 0 when it is gone.</summary>
    public static long PrivateBytes(int pid)
    {
        long kibibytes = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal) || line.StartsWith("RssShmem:", StringComparison.Ordinal))
                    kibibytes += long.Parse(line.Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        return kibibytes * 1024;
    }

    /// <summary>The processes below <paramref name="root"/> (not itself), by parent links at this instant.</summary>
    public static List<ProcEntry> Descendants(IReadOnlyList<ProcEntry> table, int root)
    {
        var children = table.ToLookup(e => e.ParentPid);
        var found = new List<ProcEntry>();
        var queue = new Queue<int>([root]);
        while (queue.Count > 0)
            foreach (var child in children[queue.Dequeue()])
            {
                found.Add(child);
                queue.Enqueue(child.Pid);
            }
        return found;
    }

    /// <summary>True when /proc/PID/environ holds NAME=VALUE (the tag every process of a submission inherits).</summary>
    public static bool HasEnvironment(int pid, string nameValue)
    {
        try
        {
            var environ = File.ReadAllBytes($"/proc/{pid}/environ");
            var text = System.Text.Encoding.UTF8.GetString(environ);
            return text.Split('\0').Contains(nameValue, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
    private static long Long(string s) => long.Parse(s, CultureInfo.InvariantCulture);
}
