using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Processes;

/// <summary>Starts real programs (sleep, head, tr, a compiled C program ...) as children: posix_spawn, in the
/// guarded group, stdout and stderr relayed to the notebook unless they are given somewhere else.</summary>
public static class Command
{
    /// <summary>Starts <paramref name="program"/> (found on PATH) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string program, params string[] args) => Start(program, args, stdin: -1, stdout: -1);

    /// <summary>Starts a program whose stdin and/or stdout are the given descriptors (-1: /dev/null for stdin,
    /// relayed to the notebook for stdout).</summary>
    internal static ChildProcess Start(string program, IReadOnlyList<string> args, int stdin, int stdout)
    {
        var path = ProgramPath.Resolve(program);
        var (errRead, errWrite) = Sys.Pipe2(O_CLOEXEC);
        int outRead = -1, outWrite = -1;
        if (stdout < 0) (outRead, outWrite) = Sys.Pipe2(O_CLOEXEC);
        int pid;
        try
        {
            var placed = new List<(int, int)> { (stdout >= 0 ? stdout : outWrite, 1), (errWrite, 2) };
            if (stdin >= 0) placed.Add((stdin, 0));
            pid = Spawner.Spawn(new SpawnPlan(path, [program, .. args], placed));
        }
        catch
        {
            close(errRead);
            if (outRead >= 0) close(outRead);
            throw;
        }
        finally
        {
            close(errWrite);
            if (outWrite >= 0) close(outWrite);
        }
        var child = new ChildProcess(pid, program, string.Join(' ', [program, .. args]));
        OutputRelay.Watch(child, outRead, errRead);
        return child;
    }
}
