// Sends a standard signal: while the child waits, the kernel keeps one SIGUSR2, so one value arrives.
int[] SendValues(int[] values)
{
    using var tids = Pipe.Create();
    using var go = Pipe.Create();
    using var results = Pipe.Create();
    using var child = Fork.Run(tids.WriteEnd, go.ReadEnd, results.WriteEnd, (t, g, r) =>
    {
        using var mask = SigProcMask(SigmaskHow.SIG_BLOCK, Signal.SIGUSR2);
        t.Write(BitConverter.GetBytes(GetTid()));
        g.Read(1, TimeSpan.FromSeconds(30));
        var got = new List<int>();
        while (SigTimedWait([Signal.SIGUSR2], TimeSpan.FromMilliseconds(500)) is { } s) got.Add(s.Value);
        r.Write(string.Join(",", got));
    });
    tids.WriteEnd.Close();
    results.WriteEnd.Close();
    int tid = BitConverter.ToInt32(tids.ReadEnd.ReadExactly(4));
    foreach (int v in values) RtTgSigQueueInfo(child.Pid, tid, Signal.SIGUSR2, v);
    go.WriteEnd.Write("g");
    var text = results.ReadEnd.ReadToEnd();
    child.Wait();
    return text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
}
