// Runs the children one after another: nothing can be lost, even with a plain Increment(), but nothing was
// shared at the same time either. (The other cheap mistake, a region per child, leaves the counter at 0.)
long CountAtomically(int processes, int increments, SysVSemaphoreSet startLine)
{
    using var shared = AnonymousSharedMemory.Create(8);
    for (int p = 0; p < processes; p++)
    {
        var child = Fork.Run(shared, startLine, increments, (m, line, n) =>
        {
            line.Down(0, TimeSpan.FromSeconds(30));
            for (int i = 0; i < n; i++) m.Counter().Increment();
        });
        child.Wait(TimeSpan.FromSeconds(60));
    }
    return shared.Counter().Value;
}
