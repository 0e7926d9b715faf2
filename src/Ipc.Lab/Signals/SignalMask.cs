using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Signals;

/// <summary>Blocks signals on the calling thread (pthread_sigmask(2)) until disposed. A blocked signal is not
/// lost: the kernel keeps it pending and delivers it when it is unblocked. The mask is the calling thread's
/// only; in a process with other threads that do not block it — every .NET process — a signal sent to the
/// process goes to one of them. Send to this thread with <c>Kill.Thread(pid, Tid, ...)</c>.</summary>
public sealed unsafe class SignalMask : IDisposable
{
    private readonly sigset_t _previous;
    private readonly int _thread;
    private bool _disposed;

    private SignalMask(Signal[] signals, sigset_t previous)
    {
        Signals = signals;
        _previous = previous;
        _thread = Environment.CurrentManagedThreadId;
        Tid = SignalCalls.gettid();
    }

    public static SignalMask Block(params Signal[] signals)
    {
        int tid = SignalCalls.gettid();
        var (_, previous) = ThreadMask.Block(signals, tid);
        var mask = new SignalMask(signals, previous);
        return mask;
    }

    public IReadOnlyList<Signal> Signals { get; }

    /// <summary>The kernel's id of the thread whose mask this is.</summary>
    public int Tid { get; }

    /// <summary>sigpending(2): the signals pending for the calling thread or its whole process.</summary>
    public static IReadOnlyList<Signal> Pending()
    {
        sigset_t pending;
        if (sigpending(&pending) == -1) throw Sys.Fail("sigpending");
        var result = new List<Signal>();
        for (int s = 1; s <= 64; s++)
            if (sigismember(&pending, s) == 1) result.Add((Signal)s);
        return result;
    }

    /// <summary>Unblocks: a pending signal is delivered now, before this call returns.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException($"This mask belongs to thread {Tid}; only that thread can unblock it.");
        _disposed = true;
        EventTrace.Record(TraceKind.Note, $"unblocked {string.Join(", ", Signals.Select(s => SignalNames.Describe((int)s)))} on thread {Tid}");
        sigset_t previous = _previous;
        pthread_sigmask(SIG_SETMASK, &previous, null);
    }
}
