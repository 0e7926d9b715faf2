using Ipc.Lab.Signals;

namespace Ipc.Lab.Processes;

/// <summary>How a child ended, decoded from waitpid(2)'s status word — one of three cases, like C's
/// WIFEXITED / WIFSIGNALED: <see cref="Exited"/> with the code it passed to exit(), <see cref="Signaled"/>
/// with the signal that killed it, or <see cref="Lost"/> when someone else took its status.</summary>
public abstract record ExitStatus
{
    private ExitStatus() { }

    /// <summary>exit(code), or a return from main: WIFEXITED, WEXITSTATUS.</summary>
    public sealed record Exited(int Code) : ExitStatus
    {
        public override string ToString() => $"exited with status {Code}";
    }

    /// <summary>Killed by a signal: WIFSIGNALED, WTERMSIG, WCOREDUMP.</summary>
    public sealed record Signaled(Signal Signal, bool CoreDumped) : ExitStatus
    {
        public override string ToString() => $"killed by {SignalNames.Describe((int)Signal)}{(CoreDumped ? " (core dumped)" : "")}";
    }

    /// <summary>It ended, but another waiter reaped it first (waitpid said ECHILD: a runtime's SIGCHLD handling
    /// does that when the notebook runs as PID 1), so how it ended is not known.</summary>
    public sealed record Lost : ExitStatus
    {
        public override string ToString() => "ended; its exit status was taken by another waiter (waitpid: ECHILD)";
    }

    /// <summary>Exited with status 0.</summary>
    public bool Success => this is Exited { Code: 0 };

    /// <summary>Decodes the int that waitpid stores: the low 7 bits are the killing signal (0: it exited), bit 7
    /// says a core was dumped, and bits 8–15 hold the exit code.</summary>
    internal static ExitStatus FromWaitStatus(int status)
    {
        int low = status & 0x7f;
        if (low == 0) return new Exited((status >> 8) & 0xff);
        return new Signaled((Signal)low, (status & 0x80) != 0);
    }
}
