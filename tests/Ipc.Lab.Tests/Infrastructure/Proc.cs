using System.Runtime.InteropServices;
using Ipc.Lab.Native;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>What the kernel says about processes and descriptors, read from /proc (stat lines through Native's
/// ProcStat, the library's one parser of that format), and the two process calls the orphan tests need (prctl,
/// waitpid) — declared here so that the tests do not lean on the process code they test.</summary>
internal static unsafe partial class Proc
{
    public const int PR_SET_CHILD_SUBREAPER = 36, WNOHANG = 1, ECHILD = 10;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int waitpid(int pid, int* status, int options);

    /// <summary>waitpid(pid, WNOHANG): true when this call reaped it (it was our child and had exited).</summary>
    public static bool TryReap(int pid, out int error)
    {
        int status;
        int r = waitpid(pid, &status, WNOHANG);
        error = r == -1 ? Marshal.GetLastPInvokeError() : 0;
        return r == pid;
    }

    /// <summary>Number of descriptors this process has open (a count, never the numbers themselves), not
    /// counting the assemblies and native libraries the runtime keeps open once it has loaded them: the
    /// runtime loads those lazily, the first time some code path needs one, and they are not ours.</summary>
    public static int OpenDescriptorCount() => OpenDescriptorTargets().Count;

    /// <summary>What this process's descriptors refer to ("pipe:[123]", "anon_inode:[pidfd]" ...), less the
    /// runtime's own files (see <see cref="OpenDescriptorCount"/>).</summary>
    public static List<string> OpenDescriptorTargets() =>
        Directory.GetFiles("/proc/self/fd").Select(f =>
        {
            try { return new FileInfo(f).LinkTarget ?? "?"; }
            catch (IOException) { return "(closed meanwhile)"; }
        })
        .Where(t => t != "(closed meanwhile)" && !t.EndsWith(".dll", StringComparison.Ordinal) && !t.EndsWith(".so", StringComparison.Ordinal))
        .Order().ToList();

    /// <summary>The state letter from /proc/PID/stat (R, S, Z ...), or null when there is no such process.</summary>
    public static char? State(int pid) => ProcStat.Of(pid)?.State;

    /// <summary>The parent pid from /proc/PID/stat, or null when there is no such process.</summary>
    public static int? Parent(int pid) => ProcStat.Of(pid)?.ParentPid;

    /// <summary>The process group from /proc/PID/stat, or null when there is no such process.</summary>
    public static int? Group(int pid) => ProcStat.Of(pid)?.ProcessGroup;

    /// <summary>Every process whose parent chain leads to <paramref name="ancestor"/>.</summary>
    public static List<int> Descendants(int ancestor)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            if (Parent(pid) is int ppid) parents[pid] = ppid;
        }
        var found = new List<int>();
        var frontier = new Queue<int>([ancestor]);
        while (frontier.Count > 0)
        {
            int p = frontier.Dequeue();
            foreach (var (child, parent) in parents)
                if (parent == p && !found.Contains(child)) { found.Add(child); frontier.Enqueue(child); }
        }
        return found;
    }

    /// <summary>argv[0] of a process, or null when there is no such process.</summary>
    public static string? Argv0(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0')[0]; }
        catch (IOException) { return null; }
    }

    /// <summary>The whole command line, words separated by spaces; empty when there is no such process.</summary>
    public static string CommandLine(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim(); }
        catch (IOException) { return ""; }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; returns
    /// whether it held. For conditions that the kernel makes true asynchronously (a relay thread closing a
    /// descriptor after end of file), never as a substitute for a blocking wait.</summary>
    public static bool Eventually(Func<bool> condition, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            if (condition()) return true;
            if (Environment.TickCount64 >= deadline) return false;
            Thread.Sleep(10);
        }
    }
}
