namespace Ipc.Lab.Signals;

/// <summary>Which signals a .NET process may take over, and why not the others. Measured on .NET 8–10 on
/// Linux: the runtime catches SIGINT, SIGQUIT, SIGTERM (graceful shutdown), SIGILL, SIGTRAP, SIGABRT, SIGBUS,
/// SIGFPE and SIGSEGV (faults in managed code become exceptions), glibc keeps signals 32 and 33 for itself,
/// and CoreCLR uses 34 (glibc's SIGRTMIN) to interrupt threads for the garbage collector.</summary>
internal static class SignalRules
{
    public static void EnsureCatchable(Signal signal)
    {
        int n = (int)signal;
        if (n is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(signal), $"{SignalNames.Describe(n)} is no signal: Linux numbers them 1 to 64.");
        if (signal is Signal.SIGKILL or Signal.SIGSTOP)
            throw new ArgumentException($"{signal} cannot be caught, blocked or ignored — by any process, in any language: the kernel acts on it itself " +
                "(sigaction(2) fails with EINVAL). That is what makes it the last resort for stopping or killing a process.", nameof(signal));
        if (n is 32 or 33)
            throw new ArgumentException($"Signal {n} is used by glibc itself (thread cancellation and set*id across threads); glibc's SIGRTMIN starts above it, at 34.", nameof(signal));
        if (signal == Signal.SIGRTMIN)
            throw new ArgumentException("SIGRTMIN (34) is used by the .NET runtime (CoreCLR interrupts threads with it, e.g. to suspend them for the garbage collector). " +
                "Taking it over would break the runtime: use SIGRTMIN+1 (35) or higher.", nameof(signal));
        if (n == Native.BoundedCall.InterruptSignal)
            throw new ArgumentException($"{SignalNames.Describe(n)} is used by Ipc.Lab itself: it ends a pipe read or write that is still blocked when its " +
                "timeout has passed (a handler that does nothing interrupts the system call). Use another real-time signal, e.g. SIGRTMIN+1 (35).", nameof(signal));
        if (signal is Signal.SIGSEGV or Signal.SIGFPE or Signal.SIGBUS or Signal.SIGILL or Signal.SIGTRAP)
            throw new ArgumentException($"{signal} is how the CPU reports a fault, and the .NET runtime needs it: a fault in managed code becomes an exception " +
                "(NullReferenceException, DivideByZeroException). A fault in native code still kills the process with the signal — see Faults.", nameof(signal));
    }
}
