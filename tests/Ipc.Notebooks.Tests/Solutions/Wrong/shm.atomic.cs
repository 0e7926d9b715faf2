// Each child counts in a region of its own: atomic, but nothing is shared, so the notebook's counter stays 0.
long CountAtomically(int processes, int increments)
{
    using var shared = AnonymousSharedMemory.Create(8);
    var children = Enumerable.Range(0, processes)
        .Select(_ => Fork.Run(increments, n =>
        {
            using var mine = AnonymousSharedMemory.Create(8);
            for (int i = 0; i < n; i++) mine.Counter().AtomicIncrement();
        }))
        .ToList();
    foreach (var child in children) child.Wait(TimeSpan.FromSeconds(60));
    return shared.Counter().Value;
}
