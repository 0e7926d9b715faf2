ChildProcess StartConsumer(AnonymousSharedMemory ring, SysVSemaphoreSet slots, Socket control)
{
    return Fork.Run(ring, slots, control, (r, s, c) =>
    {
        var stop = new ManualResetEventSlim();
        using var term = Posix.SigAction(Signal.SIGTERM, _ => stop.Set());   // before the first answer
        int n = (int)(r.Size / 8);
        long count = 0, sum = 0;
        void Drain()
        {
            while (s.TryDown(1))                    // "full": an item is there
            {
                sum += r.Counter(8 * (count % n)).Value;
                count++;
                s.Up(0);                            // "empty": its slot is free again
            }
        }
        while (!stop.IsSet)
        {
            Drain();
            if (c.BytesAvailable >= 6)              // a request "count?" has arrived
            {
                c.RecvExactly(6, TimeSpan.FromSeconds(10));
                c.Send($"{count} {sum}\n");
            }
            else Thread.Sleep(2);                   // nothing to do: do not spin
        }
        Drain();                                    // what is still in the ring
        c.Send($"final {count} {sum}\n");
    });
}
