using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;

namespace Ipc.Lab.Signals;

/// <summary>Catches a signal in this process (the notebook's, or a child body's) with .NET's
/// PosixSignalRegistration, counts the deliveries and lets you wait for them. Unlike a C handler, the
/// callback does not interrupt anything: the runtime's own native handler only writes the signal's number
/// into a pipe, and the callback runs afterwards on the runtime's ".NET SigHandler" thread — so it may print,
/// lock and allocate, which a C handler must not. Dispose restores what was there before.</summary>
public sealed class SignalCatcher : IDisposable
{
    private readonly PosixSignalRegistration _registration;
    private readonly Action<Signal>? _onSignal;
    private readonly object _gate = new();
    private int _count;

    private SignalCatcher(Signal signal, Action<Signal>? onSignal)
    {
        Signal = signal;
        _onSignal = onSignal;
        // The raw number, not PosixSignal.SIGINT: the named values are .NET's own negative codes (SIGINT is -2),
        // and a raw number is reported back as itself.
        _registration = PosixSignalRegistration.Create((PosixSignal)(int)signal, OnSignal);
    }

    /// <summary>From now on <paramref name="signal"/> runs <paramref name="onSignal"/> (if given) instead of its
    /// default action.</summary>
    public static SignalCatcher Catch(Signal signal, Action<Signal>? onSignal = null)
    {
        SignalRules.EnsureCatchable(signal);
        return new SignalCatcher(signal, onSignal);
    }

    public Signal Signal { get; }

    /// <summary>How many times the handler ran.</summary>
    public int Count
    {
        get { lock (_gate) return _count; }
    }

    /// <summary>Waits until the handler has run at least <paramref name="count"/> times; false after the timeout.</summary>
    public bool WaitFor(int count, TimeSpan? timeout = null)
    {
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

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        EventTrace.Record(TraceKind.Signal, $"caught {SignalNames.Describe((int)Signal)}");
        _onSignal?.Invoke(Signal);
        lock (_gate)
        {
            _count++;
            Monitor.PulseAll(_gate);
        }
    }

    public void Dispose() => _registration.Dispose();
}
