namespace Ipc.Lab.Runtime;

/// <summary>The second half of every child's start, written once: a handle that reaps the child, and the
/// relay that carries what it prints (and its control messages) to the cell that started it.</summary>
internal static class Launcher
{
    /// <summary>Adopts a spawned child: from now on the handle reaps it, and the relay owns
    /// <paramref name="stdout"/>, <paramref name="stderr"/> and <paramref name="control"/> (-1: none).</summary>
    public static ChildHandle Watch(int pid, string name, string command, Func<int, string> describeStatus,
        int stdout, int stderr, int control = -1)
    {
        var child = new ChildHandle(pid, name, command, describeStatus);
        OutputRelay.Watch(child, stdout, stderr, control);
        return child;
    }
}
