using System.Globalization;

namespace Ipc.Lab.Native;

/// <summary>One line of /proc/PID/maps: a range of a process's virtual addresses and what backs it. Two
/// mappings of the same pages have the same device and inode, whatever their addresses.</summary>
internal sealed record ProcMapping(ulong Start, ulong End, string Permissions, ulong Offset, string Device, long Inode, string Path)
{
    public ulong Length => End - Start;

    /// <summary>"7f3a1c000000-7f3a1c001000 rw-s 00000000 00:01 2056 /memfd:ipc-lab (deleted)".</summary>
    public static ProcMapping Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 5 || fields[0].IndexOf('-') is var dash && dash < 1)
            throw new FormatException($"Not a /proc maps line: \"{line}\".");
        return new ProcMapping(
            Start: ulong.Parse(fields[0].AsSpan(0, dash), NumberStyles.HexNumber),
            End: ulong.Parse(fields[0].AsSpan(dash + 1), NumberStyles.HexNumber),
            Permissions: fields[1],
            Offset: ulong.Parse(fields[2], NumberStyles.HexNumber),
            Device: fields[3],
            Inode: long.Parse(fields[4], CultureInfo.InvariantCulture),
            Path: fields.Length > 5 ? fields[5].Trim() : "");
    }

    /// <summary>Every mapping of process <paramref name="pid"/>; null when the process is gone or not ours to read.</summary>
    public static IReadOnlyList<ProcMapping>? Of(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/maps").Where(l => l.Length > 0).Select(Parse).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
