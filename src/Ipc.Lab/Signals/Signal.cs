namespace Ipc.Lab.Signals;

/// <summary>Linux signal numbers (x86-64 / arm64), so that code reads <c>Signal.SIGINT</c> rather than 2.
/// Real-time signals are <see cref="SIGRTMIN"/> + n.</summary>
public enum Signal
{
    SIGHUP = 1, SIGINT = 2, SIGQUIT = 3, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8,
    SIGKILL = 9, SIGUSR1 = 10, SIGSEGV = 11, SIGUSR2 = 12, SIGPIPE = 13, SIGALRM = 14, SIGTERM = 15,
    SIGSTKFLT = 16, SIGCHLD = 17, SIGCONT = 18, SIGSTOP = 19, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22,
    SIGURG = 23, SIGXCPU = 24, SIGXFSZ = 25, SIGVTALRM = 26, SIGPROF = 27, SIGWINCH = 28, SIGIO = 29,
    SIGPWR = 30, SIGSYS = 31,
    /// <summary>The first real-time signal as glibc numbers them (the kernel's 32 and 33 are used by glibc).</summary>
    SIGRTMIN = 34,
    SIGRTMAX = 64,
}

public static class SignalNames
{
    /// <summary>"SIGINT (2)", "SIGRTMIN+3 (37)", or "signal 99" for a number that is no signal.</summary>
    public static string Describe(int number) => number switch
    {
        >= 1 and <= 31 => $"{(Signal)number} ({number})",
        (int)Signal.SIGRTMIN => $"SIGRTMIN ({number})",
        > (int)Signal.SIGRTMIN and < (int)Signal.SIGRTMAX => $"SIGRTMIN+{number - (int)Signal.SIGRTMIN} ({number})",
        (int)Signal.SIGRTMAX => $"SIGRTMAX ({number})",
        _ => $"signal {number}",
    };
}
