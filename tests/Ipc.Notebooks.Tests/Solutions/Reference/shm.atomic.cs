long CountAtomically(int processes, int increments)
{
    using var shared = AnonymousSharedMemory.Create(8);
    var children = Enumerable.Range(0, processes)
        .Select(_ => Fork.Run(shared, increments, (m, n) =>
        {
            var counter = m.Counter();
            for (int i = 0; i < n; i++) counter.AtomicIncrement();
        }))
        .ToList();
    foreach (var child in children) child.Wait(TimeSpan.FromSeconds(60));
    return shared.Counter().Value;
}
