using Ipc.Lab.Signals;

namespace Ipc.Lab.Processes;

/// <summary>How a child ended, decoded from waitpid(2)'s status word: an exit code, or the signal that
/// killed it (and whether it dumped core).</summary>
public sealed record ExitStatus
{
    private ExitStatus(int? code, int? signal, bool coreDumped)
    {
        Code = code;
        TermSignal = signal;
        CoreDumped = coreDumped;
    }

    /// <summary>exit(code) or return from main; null when a signal killed the process.</summary>
    public int? Code { get; }

    /// <summary>The signal that killed the process, or null when it exited.</summary>
    public int? TermSignal { get; }

    public Signal? Signal => TermSignal is int s ? (Signal)s : null;

    public bool CoreDumped { get; }

    public bool Exited => Code is not null;

    public bool Success => Code == 0;

    public static ExitStatus FromExitCode(int code) => new(code, null, false);

    public static ExitStatus FromSignal(int signal, bool core) => new(null, signal, core);

    /// <summary>Decodes the int that waitpid stores (WIFEXITED/WEXITSTATUS, WIFSIGNALED/WTERMSIG, WCOREDUMP).</summary>
    internal static ExitStatus FromWaitStatus(int status)
    {
        int low = status & 0x7f;
        if (low == 0) return FromExitCode((status >> 8) & 0xff);
        return FromSignal(low, (status & 0x80) != 0);
    }

    public override string ToString() => Code is int c
        ? $"exited with status {c}"
        : $"killed by {SignalNames.Describe(TermSignal!.Value)}{(CoreDumped ? " (core dumped)" : "")}";
}
