long CountAtomically(int processes, int increments, SysVSemaphoreSet startLine)
{
    using var shared = AnonymousSharedMemory.Create(8);
    var children = Enumerable.Range(0, processes)
        .Select(_ => Fork.Run(shared, startLine, increments, (m, line, n) =>
        {
            var counter = m.Counter();
            line.Down(0, TimeSpan.FromSeconds(30));   // the start line: everyone starts together
            for (int i = 0; i < n; i++) counter.AtomicIncrement();
        }))
        .ToList();
    foreach (var child in children) child.Wait(TimeSpan.FromSeconds(60));
    return shared.Counter().Value;
}
