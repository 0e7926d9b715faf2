int[] SendValues(int[] values)
{
    using var tids = Pipe.Create();
    using var results = Pipe.Create();
    using var child = Fork.Run(tids.WriteEnd, results.WriteEnd, values.Length, (t, r, count) =>
    {
        using var mask = SigProcMask(SigmaskHow.SIG_BLOCK, Signal.SIGRTMIN + 1);
        t.Write(BitConverter.GetBytes(GetTid()));
        for (int i = 0; i < count; i++)
            r.Write(BitConverter.GetBytes(SigTimedWait([Signal.SIGRTMIN + 1], TimeSpan.FromSeconds(10))?.Value ?? -1));
    });
    tids.WriteEnd.Close();
    results.WriteEnd.Close();
    int tid = BitConverter.ToInt32(tids.ReadEnd.ReadExactly(4));
    foreach (int v in values) RtTgSigQueueInfo(child.Pid, tid, Signal.SIGRTMIN + 1, v);
    var bytes = results.ReadEnd.ReadExactly(4 * values.Length);
    child.Wait();
    return Enumerable.Range(0, values.Length).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray();
}
