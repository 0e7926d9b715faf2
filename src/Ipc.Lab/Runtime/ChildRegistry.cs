using Ipc.Lab.Io;

namespace Ipc.Lab.Runtime;

/// <summary>Every child this process started and has not reaped yet. A timer reaps the ones that exited even
/// when nobody waits for them (no zombies); at process exit LabRuntime kills and reaps every child still
/// running.</summary>
internal static class ChildRegistry
{
    private static readonly object Gate = new();
    private static readonly HashSet<ChildHandle> Live = new();
    private static readonly Timer Sweeper = new(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);

    public static void Add(ChildHandle child)
    {
        lock (Gate) Live.Add(child);
        RunProcesses.Started(child.Pid, child.Name);
    }

    public static void Remove(ChildHandle child)
    {
        lock (Gate) Live.Remove(child);
        RunProcesses.Ended(child.Pid);
    }

    public static IReadOnlyList<ChildHandle> Running()
    {
        lock (Gate) return Live.ToArray();
    }

    public static void StartSweeping() => Sweeper.Change(500, 500);

    private static void Sweep()
    {
        foreach (var child in Running()) child.TryReap();
    }

    public static void KillAll()
    {
        foreach (var child in Running()) child.Dispose();
    }
}
