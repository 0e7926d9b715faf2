// Creates the lock and hands it over, but never takes it: atomic increments give the right total.
long CountWithLock(int processes, int increments)
{
    using var shared = AnonymousSharedMemory.Create(8);
    using var mutex = SysVSemaphoreSet.Create(1);
    var children = Enumerable.Range(0, processes)
        .Select(_ => Fork.Run(shared, mutex, increments, (m, lockSet, n) =>
        {
            var counter = m.Counter();
            for (int i = 0; i < n; i++) counter.AtomicIncrement();
        }))
        .ToList();
    foreach (var child in children) child.Wait(TimeSpan.FromSeconds(60));
    return shared.Counter().Value;
}
