namespace Ipc.Lab.Signals;

/// <summary>What sigaction(2) installs for a signal (C's <c>sa_handler</c>): the default action, ignore, or a
/// handler. <c>Posix.SIG_DFL</c> and <c>Posix.SIG_IGN</c> are the first two; a lambda passed to
/// <c>SigAction</c> is the third.</summary>
public abstract record SigHandler
{
    private SigHandler() { }

    /// <summary>SIG_DFL.</summary>
    public sealed record Default : SigHandler
    {
        public override string ToString() => "SIG_DFL";
    }

    /// <summary>SIG_IGN.</summary>
    public sealed record Ignore : SigHandler
    {
        public override string ToString() => "SIG_IGN";
    }

    /// <summary>A handler, given the signal that arrived.</summary>
    public sealed record Handler(Action<Signal> OnSignal) : SigHandler
    {
        public override string ToString() => "handler";
    }
}

/// <summary>What <c>Posix.SigAction</c> installed for one signal. Dispose puts back what was there before
/// (C's <c>oldact</c>). For a handler it also counts the deliveries, and lets you wait for them.</summary>
public sealed class Disposition : IDisposable
{
    private readonly Action _restore;
    private readonly object _gate = new();
    private int _count;
    private bool _disposed;

    internal Disposition(Signal signal, SigHandler handler, Action restore)
    {
        Signal = signal;
        Handler = handler;
        _restore = restore;
    }

    public Signal Signal { get; }

    public SigHandler Handler { get; }

    /// <summary>How many times the handler ran.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Waits until the handler has run at least <paramref name="count"/> times; false after the timeout.</summary>
    public bool WaitFor(int count, TimeSpan? timeout = null)
    {
        if (Handler is not SigHandler.Handler)
            throw new InvalidOperationException($"{SignalNames.Describe((int)Signal)} is set to {Handler}: no handler runs, so there is nothing to wait for.");
        long deadline = Environment.TickCount64 + Lab.ToMilliseconds(timeout);
        lock (_gate)
        {
            while (_count < count)
            {
                int left = (int)(deadline - Environment.TickCount64);
                if (left <= 0) return false;
                Monitor.Wait(_gate, left);
            }
            return true;
        }
    }

    internal void Delivered()
    {
        lock (_gate)
        {
            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _restore();
    }

    public override string ToString() => $"{SignalNames.Describe((int)Signal)}: {Handler}";
}
