// 'empty' starts at 0 instead of the number of slots: the producer never finds a free slot, and the consumer
// never gets an item — its wait times out.
long[] Transfer(long[] values, int slots)
{
    using var buffer = AnonymousSharedMemory.Create(8L * slots);
    using var counts = SysVSemaphoreSet.Create([0, 0], ["empty", "full"]);
    var producer = Fork.Run(buffer, counts, values, (b, c, items) =>
    {
        int n = (int)(b.Size / 8);
        for (int i = 0; i < items.Length; i++)
        {
            c.Down(0, TimeSpan.FromSeconds(1));
            b.Counter(8 * (i % n)).Value = items[i];
            c.Up(1);
        }
    });
    var received = new long[values.Length];
    for (int i = 0; i < received.Length; i++)
    {
        counts.Down(1, TimeSpan.FromSeconds(1));
        received[i] = buffer.Counter(8 * (i % slots)).Value;
        counts.Up(0);
    }
    producer.Wait();
    return received;
}
