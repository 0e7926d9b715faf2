using System.Globalization;

namespace Ipc.Lab.Native;

/// <summary>A process's open descriptors as /proc shows them: the numbers in /proc/PID/fd, what each refers to
/// (its link, "pipe:[123]"), and its open flags from /proc/PID/fdinfo/FD. Every answer is null when the process
/// or the descriptor is gone, or is not ours to look at.</summary>
internal static class ProcDescriptors
{
    public static IReadOnlyList<int>? Of(int pid) =>
        Try(() => Directory.GetFiles($"/proc/{pid}/fd").Select(Path.GetFileName)
            .Select(n => int.TryParse(n, out int fd) ? fd : -1).Where(fd => fd >= 0).ToArray());

    public static string? Target(int pid, int fd) => Try(() => new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget);

    /// <summary>The open flags (O_WRONLY, O_NONBLOCK ...): the "flags:" line, which the kernel prints in octal.</summary>
    public static int? Flags(int pid, int fd) => Try<int?>(() =>
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/fdinfo/{fd}"))
            if (line.StartsWith("flags:", StringComparison.Ordinal))
                return Convert.ToInt32(line["flags:".Length..].Trim(), 8);
        return null;
    });

    private static T? Try<T>(Func<T?> read)
    {
        try { return read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return default; }
    }
}
