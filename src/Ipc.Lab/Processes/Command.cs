using Ipc.Lab.Runtime;

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
        using var plumbing = new Plumbing();
        int relayedOut = -1;
        if (stdout >= 0) plumbing.Give(stdout, 1);
        else relayedOut = plumbing.FromChild(1);
        int relayedErr = plumbing.FromChild(2);
        if (stdin >= 0) plumbing.Give(stdin, 0);
        int pid = plumbing.Spawn(new SpawnPlan(path, [program, .. args]));
        return new ChildProcess(Launcher.Watch(pid, program, string.Join(' ', [program, .. args]), ChildProcess.Describe, relayedOut, relayedErr));
    }
}
