using Ipc.Lab.Diagnostics;
using Tmds.Linux;

namespace Ipc.Lab.Signals;

/// <summary>sigprocmask's <c>how</c>, with C's names (also <c>Posix.SIG_BLOCK</c> ...).</summary>
public enum SigmaskHow
{
    SIG_BLOCK = 0,
    SIG_UNBLOCK = 1,
    SIG_SETMASK = 2,
}

/// <summary>The calling thread's signal mask before a <c>Posix.SigProcMask</c> (C's <c>oldset</c>). Dispose
/// restores it: a signal that was pending while blocked is delivered then, before Dispose returns. A mask
/// belongs to one thread, so only that thread can restore it.</summary>
public sealed unsafe class SavedMask : IDisposable
{
    private readonly sigset_t _previous;
    private readonly int _thread;
    private readonly int _tid;
    private bool _disposed;

    internal SavedMask(sigset_t previous, int tid)
    {
        _previous = previous;
        _tid = tid;
        _thread = Environment.CurrentManagedThreadId;
    }

    /// <summary>The signals that were blocked before.</summary>
    public IReadOnlyList<Signal> Blocked
    {
        get
        {
            sigset_t previous = _previous;
            return Posix.Members(&previous);
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException($"This mask belongs to thread {_tid}; only that thread can restore it.");
        _disposed = true;
        sigset_t previous = _previous, current;
        LibC.pthread_sigmask(LibC.SIG_BLOCK, null, &current);
        var now = Posix.Members(&current);
        var before = Posix.Members(&previous);
        var unblocking = now.Except(before).ToList();
        var blocking = before.Except(now).ToList();
        if (unblocking.Count > 0) EventTrace.Record(TraceKind.Note, $"unblocked {Posix.Describe(unblocking)} on thread {_tid}");
        if (blocking.Count > 0) EventTrace.Record(TraceKind.Note, $"blocked {Posix.Describe(blocking)} on thread {_tid}");
        LibC.pthread_sigmask(LibC.SIG_SETMASK, &previous, null);
        Posix.MaskChanged();
    }
}
