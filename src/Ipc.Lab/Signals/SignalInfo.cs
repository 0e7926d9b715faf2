namespace Ipc.Lab.Signals;

/// <summary>What the kernel does with a signal nobody handles (signal(7)'s "Action" column).</summary>
public enum DefaultAction
{
    /// <summary>Terminate the process.</summary>
    Term,
    /// <summary>Ignore the signal.</summary>
    Ign,
    /// <summary>Terminate the process and dump core.</summary>
    Core,
    /// <summary>Stop the process.</summary>
    Stop,
    /// <summary>Continue the process if it is stopped.</summary>
    Cont,
}

/// <summary>One row of the lecture's table of standard signals, for the numbering Linux uses on x86-64 and
/// arm64. Synonyms of the lecture (SIGCLD, SIGIOT, SIGPOLL, SIGUNUSED) share a number with the name kept here;
/// those Linux does not have on these machines (SIGEMT, SIGINFO, SIGLOST) are left out.</summary>
public sealed record SignalInfo(Signal Signal, DefaultAction Action, string Comment)
{
    public int Number => (int)Signal;

    public static IReadOnlyList<SignalInfo> Standard { get; } =
    [
        new(Signal.SIGHUP, DefaultAction.Term, "Hangup detected on controlling terminal or death of controlling process"),
        new(Signal.SIGINT, DefaultAction.Term, "Interrupt from keyboard (Ctrl+C)"),
        new(Signal.SIGQUIT, DefaultAction.Core, "Quit from keyboard (Ctrl+\\)"),
        new(Signal.SIGILL, DefaultAction.Core, "Illegal instruction"),
        new(Signal.SIGTRAP, DefaultAction.Core, "Trace/breakpoint trap"),
        new(Signal.SIGABRT, DefaultAction.Core, "Abort signal from abort(3); SIGIOT is the same number"),
        new(Signal.SIGBUS, DefaultAction.Core, "Bus error (bad memory access)"),
        new(Signal.SIGFPE, DefaultAction.Core, "Floating-point exception (also integer division by zero)"),
        new(Signal.SIGKILL, DefaultAction.Term, "Kill signal: cannot be caught, blocked or ignored"),
        new(Signal.SIGUSR1, DefaultAction.Term, "User-defined signal 1"),
        new(Signal.SIGSEGV, DefaultAction.Core, "Invalid memory reference"),
        new(Signal.SIGUSR2, DefaultAction.Term, "User-defined signal 2"),
        new(Signal.SIGPIPE, DefaultAction.Term, "Broken pipe: write to pipe with no readers"),
        new(Signal.SIGALRM, DefaultAction.Term, "Timer signal from alarm(2)"),
        new(Signal.SIGTERM, DefaultAction.Term, "Termination signal"),
        new(Signal.SIGSTKFLT, DefaultAction.Term, "Stack fault on coprocessor (unused)"),
        new(Signal.SIGCHLD, DefaultAction.Ign, "Child stopped or terminated; SIGCLD is the same number"),
        new(Signal.SIGCONT, DefaultAction.Cont, "Continue if stopped"),
        new(Signal.SIGSTOP, DefaultAction.Stop, "Stop process: cannot be caught, blocked or ignored"),
        new(Signal.SIGTSTP, DefaultAction.Stop, "Stop typed at terminal (Ctrl+Z)"),
        new(Signal.SIGTTIN, DefaultAction.Stop, "Terminal input for background process"),
        new(Signal.SIGTTOU, DefaultAction.Stop, "Terminal output for background process"),
        new(Signal.SIGURG, DefaultAction.Ign, "Urgent condition on socket"),
        new(Signal.SIGXCPU, DefaultAction.Core, "CPU time limit exceeded"),
        new(Signal.SIGXFSZ, DefaultAction.Core, "File size limit exceeded"),
        new(Signal.SIGVTALRM, DefaultAction.Term, "Virtual alarm clock"),
        new(Signal.SIGPROF, DefaultAction.Term, "Profiling timer expired"),
        new(Signal.SIGWINCH, DefaultAction.Ign, "Window resize signal"),
        new(Signal.SIGIO, DefaultAction.Term, "I/O now possible; SIGPOLL is the same number"),
        new(Signal.SIGPWR, DefaultAction.Term, "Power failure"),
        new(Signal.SIGSYS, DefaultAction.Core, "Bad system call; SIGUNUSED is the same number"),
    ];

    /// <summary>The default action of any signal number: real-time signals (34–64) terminate.</summary>
    public static DefaultAction ActionOf(Signal signal) =>
        Standard.FirstOrDefault(s => s.Signal == signal)?.Action
        ?? ((int)signal is >= (int)Signal.SIGRTMIN and <= (int)Signal.SIGRTMAX
            ? DefaultAction.Term
            : throw new ArgumentOutOfRangeException(nameof(signal), $"{SignalNames.Describe((int)signal)} is not a signal of Linux."));
}
