using System.Collections.Concurrent;

namespace Ipc.Lab.Diagnostics;

/// <summary>What this process is waiting for right now. A runner that has to stop a cell asks for this, so
/// that its report says "blocked in read on fd 5 for 30 s" instead of just "timed out".</summary>
public static class Activity
{
    private static readonly ConcurrentDictionary<int, (string What, long Since)> Current = new();

    public static IDisposable Begin(string what)
    {
        int thread = Environment.CurrentManagedThreadId;
        var previous = Current.TryGetValue(thread, out var p) ? p : default;
        Current[thread] = (what, Environment.TickCount64);
        return new Scope(thread, previous);
    }

    /// <summary>One line per thread that is inside a blocking library call; "idle" when none is.</summary>
    public static string Describe()
    {
        var now = Environment.TickCount64;
        // Pipe reads and writes that block in the kernel (Native.BoundedCall) are not entered here, which would
        // cost every call; the watchdog that bounds them knows them.
        var lines = Current.Values.Concat(Native.BoundedCall.InProgress())
            .Select(a => $"{a.What} (for {(now - a.Since) / 1000.0:F1} s)").ToArray();
        return lines.Length == 0 ? "not inside any Ipc.Lab call" : string.Join("; ", lines);
    }

    private sealed class Scope(int thread, (string What, long Since) previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous.What is null) Current.TryRemove(thread, out _);
            else Current[thread] = previous;
        }
    }
}
