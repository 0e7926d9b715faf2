using System.Diagnostics;

namespace Ipc.Lab.Diagnostics;

/// <summary>The event trace of this process and of the children it started. Every library operation that
/// a timeline should show records here; a child's events travel to its parent over the child's control
/// channel, so the parent holds the whole picture.</summary>
public static class EventTrace
{
    private const int Capacity = 200_000;
    private static readonly object Gate = new();
    private static readonly List<TraceEvent> Events = new();
    private static Action<TraceEvent>? _forward;

    /// <summary>Whether library calls record events. Benchmarks turn it off to measure the kernel, not the trace.</summary>
    public static bool Enabled { get; set; } = true;

    /// <summary>Turns recording off until the returned scope is disposed, then restores what it was — also
    /// when the code in between throws: <c>using (EventTrace.Pause()) { ... }</c>. A measurement pauses the trace
    /// so that it measures the kernel, not the recorder.</summary>
    public static IDisposable Pause()
    {
        var scope = new PauseScope(Enabled);
        Enabled = false;
        return scope;
    }

    /// <summary>The value of <paramref name="measure"/>, computed with recording paused:
    /// <c>var lost = EventTrace.Paused(() => Count(...));</c></summary>
    public static T Paused<T>(Func<T> measure)
    {
        using (Pause()) return measure();
    }

    private sealed class PauseScope(bool wasEnabled) : IDisposable
    {
        public void Dispose() => Enabled = wasEnabled;
    }

    /// <summary>The name this process goes by in the trace ("parent", or the child's name).</summary>
    public static string ProcessName { get; internal set; } = "parent";

    public static long Now() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    /// <summary>A mark to pass to <see cref="Since"/>: the events of one cell, not of the whole session.</summary>
    public static long Mark() => Now();

    public static IReadOnlyList<TraceEvent> Since(long mark)
    {
        lock (Gate) return Events.Where(e => e.TimestampNs >= mark).OrderBy(e => e.TimestampNs).ToArray();
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, until the events since <paramref name="mark"/>
    /// satisfy <paramref name="condition"/>. A child's events reach the parent over its control channel a
    /// moment after the child recorded them: a check waits for them rather than depend on that moment.</summary>
    public static bool WaitUntil(long mark, Func<IReadOnlyList<TraceEvent>, bool> condition, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + Lab.ToMilliseconds(timeout);
        while (true)
        {
            if (condition(Since(mark))) return true;
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(20);
        }
    }

    public static void Record(TraceKind kind, string detail, int fd = -1, long bytes = -1)
        => Add(new TraceEvent(Now(), Environment.ProcessId, ProcessName, kind, detail, fd, bytes));

    internal static void Add(TraceEvent e)
    {
        var forward = _forward;
        if (forward is not null)
        {
            forward(e);
            return;
        }
        lock (Gate)
        {
            if (Events.Count >= Capacity) Events.RemoveRange(0, Capacity / 10);
            Events.Add(e);
        }
    }

    /// <summary>In a child: send every event to the parent instead of keeping it.</summary>
    internal static void ForwardTo(Action<TraceEvent> forward) => _forward = forward;
}
