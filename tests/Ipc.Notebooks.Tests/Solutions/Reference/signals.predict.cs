// Walks the sequence with the default actions. A Term signal kills a running process; a stopped one keeps it
// pending (the kernel does not wake a stopped process for it) until SIGCONT, and then the lowest-numbered
// pending signal is taken first. Ign changes nothing; SIGKILL ends the process even while it is stopped.
string Outcome(Signal[] sent)
{
    bool stopped = false;
    var pending = new SortedSet<int>();
    foreach (var signal in sent)
    {
        if (signal == Signal.SIGKILL) return "killed by SIGKILL";
        switch (SignalInfo.ActionOf(signal))
        {
            case DefaultAction.Stop:
                stopped = true;
                break;
            case DefaultAction.Cont:
                stopped = false;
                if (pending.Count > 0) return $"killed by {(Signal)pending.Min}";
                break;
            case DefaultAction.Term or DefaultAction.Core:
                if (!stopped) return $"killed by {signal}";
                pending.Add((int)signal);
                break;
        }
    }
    return stopped ? "stopped" : "running";
}
