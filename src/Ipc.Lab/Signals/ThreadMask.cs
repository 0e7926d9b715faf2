using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Signals;

/// <summary>Blocking signals on the calling thread: what <see cref="SignalMask"/> and <see cref="SignalInbox"/>
/// both start with.</summary>
internal static unsafe class ThreadMask
{
    /// <summary>pthread_sigmask(SIG_BLOCK): returns the set now blocked and the thread's mask before.</summary>
    public static (sigset_t Blocked, sigset_t Previous) Block(IReadOnlyList<Signal> signals, int tid)
    {
        sigset_t set;
        sigemptyset(&set);
        foreach (var s in signals)
        {
            SignalRules.EnsureCatchable(s);
            sigaddset(&set, (int)s);
        }
        sigset_t previous;
        int err = pthread_sigmask(SIG_BLOCK, &set, &previous);
        if (err != 0) throw Explain.Failure("pthread_sigmask", err);
        EventTrace.Record(TraceKind.Note, $"blocked {string.Join(", ", signals.Select(s => SignalNames.Describe((int)s)))} on thread {tid}");
        return (set, previous);
    }
}
