using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Signals;

/// <summary>One received signal: its number, the value sigqueue sent with it (0 for kill), and who sent it.</summary>
public sealed record ReceivedSignal(Signal Signal, int Value, int SenderPid, bool Queued);

/// <summary>Receives signals synchronously on the thread that creates it: the signals are blocked on this
/// thread, so the kernel keeps them pending, and <see cref="Take"/> takes them out one by one
/// (sigtimedwait(2)), with the value a sigqueue sent. A signal mask belongs to one thread, and a .NET process
/// always runs several (finalizer, signal handling, tiered compilation ...): a signal sent to the whole
/// process would go to one of those instead. So send to this thread: <c>Kill.Thread(pid, tid, ...)</c> or
/// <c>Kill.Queue(pid, tid, ..., value)</c>, with <see cref="Tid"/>.</summary>
public sealed unsafe class SignalInbox : IDisposable
{
    private readonly sigset_t _set;
    private readonly sigset_t _previous;
    private readonly int _thread;
    private bool _disposed;

    public SignalInbox(params Signal[] signals)
    {
        if (signals.Length == 0) throw new ArgumentException("Name the signals this inbox receives.", nameof(signals));
        Signals = signals;
        Tid = SignalCalls.gettid();
        _thread = Environment.CurrentManagedThreadId;
        (_set, _previous) = ThreadMask.Block(signals, Tid);
    }

    public IReadOnlyList<Signal> Signals { get; }

    /// <summary>The kernel's id of the thread whose mask blocks the signals: where to send them.</summary>
    public int Tid { get; }

    /// <summary>The signals of this inbox that are pending now (for this thread or the whole process).</summary>
    public IReadOnlyList<Signal> Pending()
    {
        EnsureOwnThread();
        sigset_t pending;
        if (sigpending(&pending) == -1) throw Sys.Fail("sigpending");
        var result = new List<Signal>();
        foreach (var s in Signals)
            if (sigismember(&pending, (int)s) == 1) result.Add(s);
        return result;
    }

    /// <summary>The next pending signal of this inbox (lowest number first; real-time signals of one number in
    /// the order they were sent), or null when none arrives within the timeout (TimeSpan.Zero: do not wait).</summary>
    public ReceivedSignal? Take(TimeSpan? timeout = null)
    {
        EnsureOwnThread();
        long deadline = Environment.TickCount64 + (timeout == TimeSpan.Zero ? 0 : Lab.ToMilliseconds(timeout));
        while (true)
        {
            long left = Math.Max(0, deadline - Environment.TickCount64);
            var wait = new timespec { tv_sec = left / 1000, tv_nsec = (long_t)(left % 1000 * 1_000_000) };
            SignalCalls.SigInfo info;
            sigset_t set = _set;
            int n = SignalCalls.sigtimedwait(&set, &info, &wait);
            if (n > 0)
            {
                var received = new ReceivedSignal((Signal)n, info.Code == SignalCalls.SI_QUEUE ? (int)info.Value : 0, info.Pid, info.Code == SignalCalls.SI_QUEUE);
                EventTrace.Record(TraceKind.Signal, $"took {SignalNames.Describe(n)}{(received.Queued ? $" with value {received.Value}" : "")} from the pending set");
                return received;
            }
            int e = errno;
            if (e == EAGAIN) return null;
            if (e != EINTR) throw Sys.Fail("sigtimedwait");
        }
    }

    /// <summary>Takes every pending signal of this inbox without waiting.</summary>
    public List<ReceivedSignal> TakeAll()
    {
        var all = new List<ReceivedSignal>();
        while (Take(TimeSpan.Zero) is { } s) all.Add(s);
        return all;
    }

    private void EnsureOwnThread()
    {
        if (Environment.CurrentManagedThreadId != _thread)
            throw new InvalidOperationException($"This inbox blocks its signals on thread {Tid}, and only that thread can take them: a signal mask belongs to one thread. Use the inbox on the thread that created it.");
    }

    /// <summary>Drops what is still pending (unblocked, it would run its default action: Term for most) and
    /// restores the thread's previous mask.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (Environment.CurrentManagedThreadId != _thread) return;
        while (Take(TimeSpan.Zero) is not null) { }
        sigset_t previous = _previous;
        pthread_sigmask(SIG_SETMASK, &previous, null);
    }
}
