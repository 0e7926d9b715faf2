using Ipc.Lab.Native;

namespace Ipc.Lab.Processes;

/// <summary>What the kernel says a process is doing, from /proc/PID/stat and /proc/PID/wchan.</summary>
public static class ProcessState
{
    /// <summary>"S (sleeping) in pipe_read", "T (stopped)", "Z (zombie)", or null when there is no such process.</summary>
    public static string? Describe(int pid)
    {
        if (ProcStat.Of(pid) is not { } stat) return null;
        char state = stat.State;
        var words = state switch
        {
            'R' => "running", 'S' => "sleeping", 'D' => "in uninterruptible wait", 'T' => "stopped",
            't' => "stopped by a tracer", 'Z' => "zombie: exited, not yet reaped", 'X' => "dead", 'I' => "idle",
            _ => "unknown",
        };
        var wchan = TryRead($"/proc/{pid}/wchan");
        return wchan is { Length: > 0 } and not "0" ? $"{state} ({words}) in {wchan}" : $"{state} ({words})";
    }

    /// <summary>The single-letter state (R, S, T, Z ...), or null when there is no such process.</summary>
    public static char? Letter(int pid) => ProcStat.Of(pid)?.State;

    private static string? TryRead(string path)
    {
        try { return File.ReadAllText(path).Trim(); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
