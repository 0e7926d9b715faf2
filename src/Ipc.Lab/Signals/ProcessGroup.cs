using Ipc.Lab.Native;

namespace Ipc.Lab.Signals;

/// <summary>Process groups: kill(-pgid, ...) signals every member at once, as a shell's Ctrl+C does for a
/// pipeline. A notebook's children all start in one group with the guardian that cleans up after the
/// notebook; a child that wants a group of its own leaves it.</summary>
public static class ProcessGroup
{
    /// <summary>setpgid(0, 0) in the calling process: it leads a new group whose id is its pid, which it returns.</summary>
    public static int LeaveParentGroup()
    {
        if (Tmds.Linux.LibC.setpgid(0, 0) == -1) throw Sys.Fail(NativeCall.SetPgid);
        return Environment.ProcessId;
    }

    /// <summary>The process group of pid, from /proc/PID/stat (field 5); null when there is no such process.</summary>
    public static int? Of(int pid) => ProcStat.Of(pid)?.ProcessGroup;
}
