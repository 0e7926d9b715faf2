using System.Diagnostics;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;

namespace Ipc.Lab.Benchmarks;

/// <summary>The C# side of every figure. Each Fork.Run body is self-contained (a body cannot see this
/// process's variables), so what it needs arrives as arguments.</summary>
internal static class Measure
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    public static Stats CommandTrue(int n)
    {
        var ms = new List<double>();
        for (int i = 0; i < n + 3; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            using var child = Command.Start("/bin/true");
            Check(child, child.Wait(Long));
            if (i >= 3) ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return Stats.Of(ms);
    }

    /// <summary>readyHost: each start meets a pre-started host, as a notebook's cells do (seconds apart, the host
    /// started in between); the wait for it is not timed. Otherwise back to back: a start may find the host
    /// still starting and wait for it, so that row shows what a loop of Fork.Run pays for .NET's start.</summary>
    public static Stats CachedBody(int n, bool readyHost)
    {
        var ms = new List<double>();
        // The first start may compile (the cache is per build of Ipc.Lab) and JITs the parent's spawn path.
        for (int i = 0; i < n + 2; i++)
        {
            if (readyHost && !Ipc.Lab.Runtime.ChildPool.WaitReady(Long))
                throw new InvalidOperationException("no pre-started child host became ready within 60 s");
            long t0 = Stopwatch.GetTimestamp();
            using var child = Fork.Run(() => { }, name: "empty");
            Check(child, child.Wait(Long));
            if (i >= 2) ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return Stats.Of(ms);
    }

    /// <summary>Bodies whose text was never seen, so each one goes through the compiler. The text is passed as
    /// Fork.Run's source (what C# itself passes for a lambda written in place): a loop cannot write ten
    /// different lambdas, and a constant unique to this run keeps the on-disk cache from answering.</summary>
    public static Stats NewBodies(int n, bool warmFirst)
    {
        long nonce = Random.Shared.NextInt64(1_000_000_000_000L);
        var ms = new List<double>();
        int skip = warmFirst ? 1 : 0;
        for (int i = 0; i < n + skip; i++)
        {
            string text = $"() => {{ long unique = {nonce + i}L; if (unique < 0) Console.WriteLine(unique); }}";
            long t0 = Stopwatch.GetTimestamp();
            using var child = Fork.Run(() => { }, name: "new body", source: text);
            Check(child, child.Wait(Long));
            if (i >= skip) ms.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return Stats.Of(ms);
    }

    /// <summary>Round trips of 64 bytes: parent writes to ping, the child echoes into pong. cpu &lt; 0: unpinned.
    /// Warm-up lasts long enough for tiered JIT to have replaced the first code in both processes.</summary>
    public static Stats PingPong(int n, int cpu, TimeSpan warmup)
    {
        EventTrace.Enabled = false;
        using var pinned = Scheduling.PinThread(cpu);   // cpu < 0: where the scheduler puts it
        using var ping = Pipe.Create();
        using var pong = Pipe.Create();
        // Only the ends the child uses go to it, so closing ping's write end here is its end of file.
        using var child = Fork.Run(ping.ReadEnd, pong.WriteEnd, cpu, (inbox, outbox, core) =>
        {
            if (core >= 0)
            {
                unsafe
                {
                    Tmds.Linux.cpu_set_t set = default;
                    Tmds.Linux.LibC.CPU_SET(core, &set);
                    if (Tmds.Linux.LibC.sched_setaffinity(0, sizeof(Tmds.Linux.cpu_set_t), &set) != 0)
                        throw new InvalidOperationException("sched_setaffinity failed in the child");
                }
            }
            var buffer = new byte[64];
            var wait = TimeSpan.FromSeconds(60);
            while (true)
            {
                int got = 0;
                while (got < buffer.Length)
                {
                    int r = inbox.Read(buffer.AsSpan(got), wait);
                    if (r == 0) return;
                    got += r;
                }
                outbox.Write(buffer, wait);
            }
        }, name: "echo");
        ping.ReadEnd.Dispose();
        pong.WriteEnd.Dispose();
        // The next child host starts in the background after every Fork.Run: not while we measure.
        Fork.WaitUntilReady(Long);

        var message = new byte[64];
        var answer = new byte[64];
        RoundTrip(ping.WriteEnd, pong.ReadEnd, message, answer);
        var warm = Stopwatch.StartNew();
        for (int i = 0; warm.Elapsed < warmup || i < n / 10; i++) RoundTrip(ping.WriteEnd, pong.ReadEnd, message, answer);

        var us = new double[n];
        for (int i = 0; i < n; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            RoundTrip(ping.WriteEnd, pong.ReadEnd, message, answer);
            us[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        ping.WriteEnd.Dispose();
        Check(child, child.Wait(Long));
        return Stats.Of(us);
    }

    private static void RoundTrip(PipeWriteEnd to, PipeReadEnd from, byte[] message, byte[] answer)
    {
        to.Write(message, Long);
        int got = 0;
        while (got < answer.Length)
        {
            int r = from.Read(answer.AsSpan(got), Long);
            if (r == 0) throw new EndOfStreamException("the echo child closed its pipe early");
            got += r;
        }
    }

    /// <summary>GB/s (1e9 bytes/s) of a child writing in writes of size until the pipe is closed; the parent reads
    /// with a 64 KiB buffer, discards what arrives during the warm-up, then times the next total bytes (as
    /// pipe_stream.c does). The warm-up lets tiered JIT replace the first code in both processes.</summary>
    public static double Stream(long total, int size, int capacity, int cpu, TimeSpan warmup)
    {
        EventTrace.Enabled = false;
        using var pinned = Scheduling.PinThread(cpu);   // cpu < 0: where the scheduler puts it
        using var pipe = capacity > 0 ? Pipe.Create(capacity) : Pipe.Create();
        using var child = Fork.Run(pipe.WriteEnd, new long[] { size, cpu }, (sink, plan) =>
        {
            if (plan[1] >= 0)
            {
                unsafe
                {
                    Tmds.Linux.cpu_set_t set = default;
                    Tmds.Linux.LibC.CPU_SET((int)plan[1], &set);
                    if (Tmds.Linux.LibC.sched_setaffinity(0, sizeof(Tmds.Linux.cpu_set_t), &set) != 0)
                        throw new InvalidOperationException("sched_setaffinity failed in the child");
                }
            }
            var data = new byte[plan[0]];
            Array.Fill(data, (byte)'x');   // as pipe_stream.c's memset: real pages, not the kernel's shared zero page
            var wait = TimeSpan.FromSeconds(60);
            try
            {
                while (true) sink.Write(data, wait);
            }
            catch (Ipc.Lab.Native.SyscallException e) when (e.Errno == 32)
            {
                // EPIPE: the parent has read what it times and closed its end.
            }
        }, name: "writer");
        pipe.WriteEnd.Dispose();
        // The writer fills the pipe and blocks meanwhile; the warm-up and the clock start after this.
        Fork.WaitUntilReady(Long);

        var buffer = new byte[65536];
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed < warmup)
            if (pipe.ReadEnd.Read(buffer, Long) == 0) throw new EndOfStreamException("the writer stopped during the warm-up");
        long got = 0;
        long t0 = Stopwatch.GetTimestamp();
        while (got < total)
        {
            int n = pipe.ReadEnd.Read(buffer, Long);
            if (n == 0) throw new InvalidOperationException($"short stream: {got} of {total} bytes");
            got += n;
        }
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        pipe.ReadEnd.Dispose();
        Check(child, child.Wait(Long));
        return got / seconds / 1e9;
    }

    private static void Check(ChildProcess child, ExitStatus status)
    {
        if (!status.Success)
            throw new InvalidOperationException($"{child} failed: {child.Failure?.ToString() ?? status.ToString()}\n{string.Join("\n", child.Output.Select(l => l.Text))}");
    }
}
