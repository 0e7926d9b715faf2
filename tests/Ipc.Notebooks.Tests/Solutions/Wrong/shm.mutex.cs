// The lock starts at 0, as if someone held it: every child's first DOWN times out and nothing is counted.
long CountWithLock(int processes, int increments)
{
    using var shared = AnonymousSharedMemory.Create(8);
    using var mutex = SysVSemaphoreSet.Create(0);
    var children = Enumerable.Range(0, processes)
        .Select(_ => Fork.Run(shared, mutex, increments, (m, lockSet, n) =>
        {
            var counter = m.Counter();
            for (int i = 0; i < n; i++)
            {
                lockSet.Down(0, TimeSpan.FromSeconds(1));
                counter.Increment();
                lockSet.Up(0);
            }
        }))
        .ToList();
    foreach (var child in children) child.Wait(TimeSpan.FromSeconds(60));
    return shared.Counter().Value;
}
