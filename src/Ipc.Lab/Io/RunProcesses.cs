using System.Collections.Concurrent;

namespace Ipc.Lab.Io;

/// <summary>What the mechanisms need to know of this run's other processes: the children started and not yet
/// reaped (to name who holds a pipe end), and the process group they share with the guardian (which no demo
/// may signal). The runtime keeps it up to date and plugs in how the guardian is started; it lives here,
/// below the mechanisms and the runtime both, so that a mechanism never depends on the engine.</summary>
internal static class RunProcesses
{
    private static readonly ConcurrentDictionary<int, string> Children = new();
    private static Func<int>? _ensureGuardian;

    public static void Started(int pid, string name) => Children[pid] = name;

    public static void Ended(int pid) => Children.TryRemove(pid, out _);

    /// <summary>pid → name of every child of this process that has not been reaped.</summary>
    public static IReadOnlyDictionary<int, string> Running => new Dictionary<int, string>(Children);

    /// <summary>The process group of the guardian and every child; 0 until the guardian runs.</summary>
    public static int GuardedGroup { get; set; }

    /// <summary>Set once, when Ipc.Lab loads, by the runtime (LabRuntime).</summary>
    public static void PlugInGuardian(Func<int> ensureGuardian) => _ensureGuardian = ensureGuardian;

    /// <summary>Starts the guardian if it is not running, so that from now on our death removes what we
    /// register. Returns its process group.</summary>
    public static int EnsureGuardian() =>
        (_ensureGuardian ?? throw new InvalidOperationException("The Ipc.Lab runtime did not plug in its guardian; Ipc.Lab.dll is damaged or loaded in an unusual way."))();
}
