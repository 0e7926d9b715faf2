// Stops and inspects, but never continues the child: a debugger that leaves its program frozen.
char PauseAndInspect(ChildProcess child)
{
    Kill(child.Pid, Signal.SIGSTOP);
    child.WaitUntilStopped();
    return ProcessState.Letter(child.Pid) ?? '?';
}
