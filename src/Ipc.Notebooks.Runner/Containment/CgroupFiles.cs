using System.Globalization;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>Reading and writing the files of a cgroup, v1 or v2 alike: a file a kernel lacks reads as null, a
/// group is removed with a bounded retry, and "key value" lines (memory.events, pids.events, cpu.stat) parse.</summary>
internal static class CgroupFiles
{
    public static string? Read(string dir, string file)
    {
        try
        {
            return File.ReadAllText(Path.Combine(dir, file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static bool TryWrite(string dir, string file, string value)
    {
        try
        {
            File.WriteAllText(Path.Combine(dir, file), value);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A knob this kernel or this group does not have: the caller says what that costs.
            return false;
        }
    }

    /// <summary>The members listed in a cgroup.procs file (empty when the group is gone).</summary>
    public static List<int> Procs(string dir) =>
        [.. (Read(dir, "cgroup.procs") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture))];

    /// <summary>The number after <paramref name="name"/> in "name value" or "name=value" lines; 0 when absent.</summary>
    public static long Field(string? text, string name)
    {
        foreach (var line in (text ?? "").Split('\n'))
            if (line.Split(' ', '=') is [var key, var value] && key == name && long.TryParse(value, CultureInfo.InvariantCulture, out var number)) return number;
        return 0;
    }

    public static long? Number(string? text) => long.TryParse(text?.Trim(), CultureInfo.InvariantCulture, out var number) ? number : null;

    public static void TryRemove(string dir)
    {
        // rmdir of a cgroup fails (EBUSY) while a member is still exiting; a short bounded retry.
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                Directory.Delete(dir);
                return;
            }
            catch (DirectoryNotFoundException)
            {
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Groups left by a runner that was killed (ipc-notebooks-PID-…, that PID gone) below
    /// <paramref name="parent"/>: whatever still runs in them is killed and the groups are removed.</summary>
    public static void RemoveStale(string parent)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var dir in Directory.EnumerateDirectories(parent, "ipc-notebooks-*"))
        {
            var parts = Path.GetFileName(dir).Split('-');
            if (parts.Length < 3 || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out var pid) || Directory.Exists($"/proc/{pid}")) continue;
            foreach (var member in Procs(dir)) Sys.Kill(member, Sys.SIGKILL);
            TryRemove(dir);
        }
    }

    /// <summary>A new group's name: the runner's pid (so a later runner can tell it is stale) and a random part.</summary>
    public static string NewName() => $"ipc-notebooks-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40];
}
