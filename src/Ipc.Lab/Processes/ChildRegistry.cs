namespace Ipc.Lab.Processes;

/// <summary>Every child this process started and has not reaped yet. A timer reaps the ones that exited even
/// when nobody waits for them (no zombies), and at process exit every child still running is killed and
/// reaped.</summary>
internal static class ChildRegistry
{
    private static readonly object Gate = new();
    private static readonly HashSet<ChildProcess> Live = new();
    private static readonly Timer Sweeper = new(_ => Sweep(), null, Timeout.Infinite, Timeout.Infinite);
    private static int _hooked;

    public static void Add(ChildProcess child)
    {
        lock (Gate) Live.Add(child);
        if (Interlocked.Exchange(ref _hooked, 1) == 0)
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            Sweeper.Change(500, 500);
        }
    }

    public static void Remove(ChildProcess child)
    {
        lock (Gate) Live.Remove(child);
    }

    public static IReadOnlyList<ChildProcess> Running()
    {
        lock (Gate) return Live.ToArray();
    }

    private static void Sweep()
    {
        foreach (var child in Running()) child.TryReap();
    }

    public static void KillAll()
    {
        foreach (var child in Running()) child.Dispose();
    }
}
