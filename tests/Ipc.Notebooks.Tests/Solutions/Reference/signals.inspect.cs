char PauseAndInspect(ChildProcess child)
{
    Kill(child.Pid, Signal.SIGSTOP);
    child.WaitUntilStopped();
    char state = ProcessState.Letter(child.Pid) ?? '?';
    Kill(child.Pid, Signal.SIGCONT);
    child.WaitUntilContinued();
    return state;
}
