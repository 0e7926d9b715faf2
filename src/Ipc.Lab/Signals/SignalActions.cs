using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;

namespace Ipc.Lab.Signals;

/// <summary>Sets what this process does with a signal, through sigaction(2): ignore it, or go back to the
/// kernel's default action. In .NET, "default" really is the kernel's: for SIGTERM that means death without
/// the runtime's graceful shutdown, which its own handler would have run.</summary>
public static unsafe class SignalActions
{
    /// <summary>SIG_IGN: the kernel drops the signal when it is sent (a blocked one is not even kept).</summary>
    public static void Ignore(Signal signal) => Set(signal, SignalCalls.SIG_IGN, "ignore");

    /// <summary>SIG_DFL: the action in <see cref="SignalInfo"/>'s table (Term, Core, Ign, Stop, Cont).</summary>
    public static void RestoreDefault(Signal signal) => Set(signal, SignalCalls.SIG_DFL, "default action for");

    private static void Set(Signal signal, nint handler, string verb)
    {
        SignalRules.EnsureCatchable(signal);
        var action = new SignalCalls.SigAction { Handler = handler };
        if (SignalCalls.sigaction((int)signal, &action, null) == -1) throw Sys.Fail("sigaction", SignalNames.Describe((int)signal));
        EventTrace.Record(TraceKind.Note, $"{verb} {SignalNames.Describe((int)signal)}");
    }
}
