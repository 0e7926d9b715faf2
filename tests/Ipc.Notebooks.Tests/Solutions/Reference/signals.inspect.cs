char PauseAndInspect(ChildProcess child)
{
    child.Kill(Signal.SIGSTOP);
    child.WaitUntilStopped();
    char state = ProcessState.Letter(child.Pid) ?? '?';
    child.Kill(Signal.SIGCONT);
    child.WaitUntilContinued();
    return state;
}
