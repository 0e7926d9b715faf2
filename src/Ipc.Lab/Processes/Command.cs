using Ipc.Lab.Io;
using Ipc.Lab.Runtime;

namespace Ipc.Lab.Processes;

/// <summary>Starts real programs (sleep, head, tr, a compiled C program ...) as children: posix_spawn, in the
/// guarded group, stdout and stderr relayed to the notebook unless they are given somewhere else.</summary>
public static class Command
{
    /// <summary>Starts <paramref name="program"/> (found on PATH) with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string program, params string[] args) => Start(program, args, stdin: -1, stdout: -1);

    /// <summary>Starts <paramref name="program"/> with its stdin and/or stdout on descriptors of ours — a pipe's
    /// ends, say — as a shell does for <c>a | b</c>: posix_spawn's file actions dup2 each onto 0 or 1 in the
    /// child (the C after fork() would call dup2 itself). Our own copies stay open: close them after the
    /// start, or the reader never sees end of file. Without <paramref name="stdin"/> the child reads /dev/null;
    /// without <paramref name="stdout"/> its output appears under the cell.</summary>
    public static ChildProcess Start(string program, string[] args, FileDescriptor? stdin = null, FileDescriptor? stdout = null) =>
        Start(program, args, stdin?.Fd ?? -1, stdout?.Fd ?? -1);

    /// <summary>Starts a program whose stdin and/or stdout are the given descriptors (-1: /dev/null for stdin,
    /// relayed to the notebook for stdout).</summary>
    internal static ChildProcess Start(string program, IReadOnlyList<string> args, int stdin, int stdout, string? name = null)
    {
        var path = ProgramPath.Resolve(program);
        using var plumbing = new Plumbing();
        int relayedOut = -1;
        if (stdout >= 0) plumbing.Give(stdout, 1);
        else relayedOut = plumbing.FromChild(1);
        int relayedErr = plumbing.FromChild(2);
        if (stdin >= 0) plumbing.Give(stdin, 0);
        int pid = plumbing.Spawn(new SpawnPlan(path, [program, .. args]));
        return new ChildProcess(Launcher.Watch(pid, name ?? program, string.Join(' ', [program, .. args]), ChildProcess.Describe, relayedOut, relayedErr));
    }
}
