// Ignores the argument: the child never asks for SEM_UNDO, so the lock stays taken in both cases.
int ValueAfterKill(bool undo)
{
    using var set = SysVSemaphoreSet.Create([1, 0], ["lock", "holding"]);
    var holder = Fork.Run(set, s =>
    {
        s.Down(0);
        s.Up(1);
        Thread.Sleep(Timeout.Infinite);
    });
    set.Down(1, TimeSpan.FromSeconds(30));
    holder.Kill(Ipc.Lab.Signals.Signal.SIGKILL);
    holder.Wait(TimeSpan.FromSeconds(30));
    return set[0];
}
