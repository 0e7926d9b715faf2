using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>One line of /proc/PID/stat that containment cares about. StartTime (clock ticks after boot) tells a
/// process from a later one that got the same pid.</summary>
internal readonly record struct ProcEntry(int Pid, int ParentPid, long StartTime, long RssPages, char State);

internal static class ProcTable
{
    public static readonly long PageSize = Environment.SystemPageSize;

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
        // fields[0] is field 3 (state); ppid is field 4, starttime field 22, rss field 24.
        if (fields.Length < 22) return null;
        return new ProcEntry(pid, Int(fields[1]), Long(fields[19]), Long(fields[21]), fields[0][0]);
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
