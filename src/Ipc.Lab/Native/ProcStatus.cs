using System.Globalization;

namespace Ipc.Lab.Native;

/// <summary>The signal and capability masks of /proc/PID/status (or /proc/PID/task/TID/status), the one reader
/// of those lines. Each mask is the kernel's hexadecimal bit set: bit n-1 stands for signal n, bit c for
/// capability c. A line this kernel does not print reads as an empty set.</summary>
internal sealed record ProcStatus(
    ulong PendingForThread, ulong PendingForProcess, ulong Blocked, ulong Ignored, ulong Caught, ulong EffectiveCapabilities)
{
    public static ProcStatus Parse(IReadOnlyList<string> lines)
    {
        ulong Mask(string field)
        {
            var line = lines.FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
            return line is null ? 0 : ulong.Parse(line.AsSpan(field.Length + 1).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        }
        return new ProcStatus(Mask("SigPnd"), Mask("ShdPnd"), Mask("SigBlk"), Mask("SigIgn"), Mask("SigCgt"), Mask("CapEff"));
    }

    /// <summary>The process's status (its main thread's view of the per-thread masks), or one thread's;
    /// null when there is no such process or thread.</summary>
    public static ProcStatus? Of(int pid, int? tid = null)
    {
        string path = tid is int t ? $"/proc/{pid}/task/{t}/status" : $"/proc/{pid}/status";
        try { return Parse(File.ReadAllLines(path)); }
        catch (IOException) { return null; }
    }
}
