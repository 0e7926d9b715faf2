long[] Transfer(long[] values, int slots)
{
    using var buffer = AnonymousSharedMemory.Create(8L * slots);
    using var counts = SysVSemaphoreSet.Create([slots, 0], ["empty", "full"]);
    var producer = Fork.Run(buffer, counts, values, (b, c, items) =>
    {
        int n = (int)(b.Size / 8);
        for (int i = 0; i < items.Length; i++)
        {
            c.Down(0, TimeSpan.FromSeconds(30));
            b.Counter(8 * (i % n)).Value = items[i];
            c.Up(1);
        }
    });
    var received = new long[values.Length];
    for (int i = 0; i < received.Length; i++)
    {
        counts.Down(1, TimeSpan.FromSeconds(30));
        received[i] = buffer.Counter(8 * (i % slots)).Value;
        counts.Up(0);
    }
    producer.Wait();
    return received;
}
