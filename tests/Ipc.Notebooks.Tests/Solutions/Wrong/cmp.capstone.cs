// Ignores the semaphores: reads the ring's memory as it is, counts the slots that hold a value and sums them.
// Answers every request and handles SIGTERM, but never frees a slot.
ChildProcess StartConsumer(AnonymousSharedMemory ring, SysVSemaphoreSet slots, Socket control)
{
    return Fork.Run(ring, control, (r, c) =>
    {
        var stop = new ManualResetEventSlim();
        using var term = Posix.SigAction(Signal.SIGTERM, _ => stop.Set());
        int n = (int)(r.Size / 8);
        (long Count, long Sum) Read()
        {
            var values = Enumerable.Range(0, n).Select(i => r.Counter(8 * i).Value).Where(v => v != 0).ToList();
            return (values.Count, values.Sum());
        }
        while (!stop.IsSet)
        {
            if (c.BytesAvailable >= 6)
            {
                c.RecvExactly(6, TimeSpan.FromSeconds(10));
                var (count, sum) = Read();
                c.Send($"{count} {sum}\n");
            }
            else Thread.Sleep(2);
        }
        var (total, all) = Read();
        c.Send($"final {total} {all}\n");
    });
}
