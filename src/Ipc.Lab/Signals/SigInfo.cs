namespace Ipc.Lab.Signals;

/// <summary>One signal taken by <c>Posix.SigTimedWait</c>, with the fields of C's siginfo_t the course uses:
/// si_signo, si_code (SI_USER 0 for kill, SI_QUEUE -1 for sigqueue, SI_TKILL -6 for tgkill), si_pid (who sent
/// it) and si_value (what sigqueue sent with it; 0 for the others).</summary>
public sealed record SigInfo(Signal Signo, int Code, int Pid, int Value)
{
    /// <summary>Sent with sigqueue (or rt_tgsigqueueinfo), so <see cref="Value"/> is what the sender gave.</summary>
    public bool Queued => Code == -1;
}
