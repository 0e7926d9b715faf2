using System.Diagnostics;
using System.Globalization;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Events;
using Ipc.Lab.Io;
using Ipc.Lab.MessageQueues;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Signals;
using Ipc.Lab.Sockets;

namespace Ipc.Lab.Experiments;

/// <summary>The mechanisms the comparison measures, in the order its table lists them.</summary>
public enum Mechanism { Pipe, Fifo, SharedMemory, SysVQueue, PosixQueue, Tcp, Udp, Unix, Signal, EventFd }

/// <summary>What a mechanism is called in tables (<see cref="Name"/>), in results.json and on the C program's
/// command line (<see cref="Key"/>), how many bytes one message carries in the round trip, and whether it can
/// stream messages of any size.</summary>
public sealed record MechanismInfo(Mechanism Mechanism, string Name, string Key, int Payload, bool Streams, string Calls);

/// <summary>Round-trip times in µs: 1st, 25th, 50th, 75th and 99th percentile, by the rank rule of the C side
/// (sorted[n·q]), so the two columns compare.</summary>
public sealed record Percentiles(double P1, double P25, double Median, double P75, double P99)
{
    public static Percentiles Of(IEnumerable<double> samples)
    {
        var s = samples.Order().ToArray();
        if (s.Length == 0) throw new ArgumentException("No samples.", nameof(samples));
        double At(double q) => s[Math.Min(s.Length - 1, (int)(s.Length * q))];
        return new Percentiles(At(0.01), At(0.25), At(0.5), At(0.75), At(0.99));
    }

    /// <summary>The line ipc_compare.c prints: "p1 p25 p50 p75 p99".</summary>
    public static Percentiles Parse(string line)
    {
        var v = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        if (v.Length != 5) throw new FormatException($"expected five percentiles, got \"{line}\"");
        return new Percentiles(v[0], v[1], v[2], v[3], v[4]);
    }
}

/// <summary>Every mechanism measured the same way, between this process and one child: a round trip (send a
/// message, the child echoes it) and a stream (the child sends, this process receives). The C side is
/// notebooks/c/ipc_compare.c, with the same loops and the same objects; <see cref="RoundTripInC"/> and
/// <see cref="StreamInC"/> run it. cpu ≥ 0 pins both processes' working threads to that CPU; -1 leaves them to
/// the scheduler.</summary>
public static class Compare
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    // The first byte of the message that tells the echo child to stop (a real message is all zeros).
    private const byte Stop = 0xFF;
    // Slots of the plan every child gets (an int[]: a child's arguments cross as JSON).
    private const int ModeSlot = 0, MechanismSlot = 1, CountSlot = 2, SizeSlot = 3, CpuSlot = 4, ParentPidSlot = 5, ParentTidSlot = 6;
    private const int RoundTripMode = 0, StreamMode = 1;

    public static IReadOnlyList<MechanismInfo> Mechanisms { get; } =
    [
        new(Mechanism.Pipe, "pipe", "pipe", 64, true, "pipe2, write, read"),
        new(Mechanism.Fifo, "FIFO", "fifo", 64, true, "mkfifo, open, write, read"),
        new(Mechanism.SharedMemory, "shared memory + semaphores", "shm", 64, true, "shm_open, mmap, sem_wait, sem_post, memcpy"),
        new(Mechanism.SysVQueue, "System V message queue", "sysvmq", 64, true, "msgget, msgsnd, msgrcv"),
        new(Mechanism.PosixQueue, "POSIX message queue", "posixmq", 64, true, "mq_open, mq_send, mq_receive"),
        new(Mechanism.Tcp, "TCP (loopback)", "tcp", 64, true, "socket, connect, accept, send, recv"),
        new(Mechanism.Udp, "UDP (loopback)", "udp", 64, false, "socket, bind, connect, send, recv"),
        new(Mechanism.Unix, "Unix stream socket", "unix", 64, true, "socketpair, send, recv"),
        new(Mechanism.Signal, "real-time signal + value", "signal", 4, false, "sigqueue, sigtimedwait"),
        new(Mechanism.EventFd, "eventfd", "eventfd", 8, false, "eventfd, write, read"),
    ];

    public static MechanismInfo Info(Mechanism m) => Mechanisms[(int)m];

    /// <summary>Round trips of one message (<see cref="MechanismInfo.Payload"/> bytes) between this process and
    /// an echo child, in µs. The first round trips warm up (at least 200 ms, so that .NET's tiered JIT has
    /// replaced the first code in both processes) and are not counted.</summary>
    public static Percentiles RoundTrip(Mechanism m, int trips, int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trips, 10);
        int size = Info(m).Payload;
        return Converse(m, [RoundTripMode, (int)m, trips, size, cpu, 0, 0], cpu, link =>
        {
            var message = new byte[size];
            var answer = new byte[size];
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < trips / 10 + 10 || warm.ElapsedMilliseconds < 200; i++)
            {
                link.Send(message);
                link.Receive(answer);
            }
            var us = new double[trips];
            for (int i = 0; i < trips; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                link.Send(message);
                link.Receive(answer);
                us[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            message[0] = Stop;
            link.Send(message);
            return Percentiles.Of(us);
        });
    }

    /// <summary>MB/s (bytes per µs) for each message size in <paramref name="sizes"/>: one child sends
    /// <paramref name="counts"/>[i] messages of sizes[i] bytes, size after size, and this process receives each
    /// one. The clock of each size starts at its first message received, so the child's start is not counted.</summary>
    public static double[] Stream(Mechanism m, IReadOnlyList<int> sizes, IReadOnlyList<int> counts, int cpu)
    {
        if (!Info(m).Streams) throw new ArgumentException($"{Info(m).Name} does not stream messages of any size: {StreamsNot(m)}", nameof(m));
        if (sizes.Count == 0 || sizes.Count != counts.Count) throw new ArgumentException("Give one count per size.", nameof(counts));
        if (sizes.Any(s => s < 1 || s > SharedRingLink.SlotSize)) throw new ArgumentOutOfRangeException(nameof(sizes), $"A message here is 1 to {SharedRingLink.SlotSize} bytes.");
        if (counts.Any(c => c < 2)) throw new ArgumentOutOfRangeException(nameof(counts), "At least two messages per size: the clock starts at the first.");
        int[] plan = [StreamMode, (int)m, sizes.Count, 0, cpu, 0, 0, .. sizes.Zip(counts).SelectMany(x => new[] { x.First, x.Second })];
        return Converse(m, plan, cpu, link =>
        {
            var rates = new double[sizes.Count];
            for (int k = 0; k < sizes.Count; k++)
            {
                var message = new byte[sizes[k]];
                link.Receive(message);
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 1; i < counts[k]; i++) link.Receive(message);
                rates[k] = (double)(counts[k] - 1) * sizes[k] / Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
            }
            return rates;
        });
    }

    /// <summary>The same round trip between two threads of this process instead of two processes: a 64-byte
    /// slot guarded by a lock and a condition variable (Monitor.Wait and PulseAll, .NET's), the echo thread
    /// copying the message out and back. cpu ≥ 0 pins both threads there. What two processes need a kernel object
    /// for, two threads do in memory they already share.</summary>
    public static Percentiles ThreadRoundTrip(int trips, int cpu)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trips, 10);
        var gate = new object();
        var slot = new byte[64];
        int turn = 0;   // 0: the sender's, 1: the echo's, 2: the answer is back
        var echo = new Thread(() =>
        {
            using var pinned = Scheduling.PinThread(cpu);
            var local = new byte[64];
            while (true)
                lock (gate)
                {
                    while (turn != 1)
                        if (!Monitor.Wait(gate, Long)) return;
                    if (slot[0] == Stop) return;
                    slot.CopyTo(local, 0);
                    local.CopyTo(slot, 0);
                    turn = 2;
                    Monitor.PulseAll(gate);
                }
        }) { IsBackground = true, Name = "echo thread" };
        using var pinnedHere = Scheduling.PinThread(cpu);
        echo.Start();
        var message = new byte[64];
        void Trip()
        {
            lock (gate)
            {
                message.CopyTo(slot, 0);
                turn = 1;
                Monitor.PulseAll(gate);
                while (turn != 2)
                    if (!Monitor.Wait(gate, Long)) throw new TimeoutException($"the echo thread did not answer within {Long.TotalSeconds:0} s");
                slot.CopyTo(message, 0);
                turn = 0;
            }
        }
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < trips / 10 + 10 || warm.ElapsedMilliseconds < 200; i++) Trip();
        var us = new double[trips];
        for (int i = 0; i < trips; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Trip();
            us[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        lock (gate)
        {
            slot[0] = Stop;
            turn = 1;
            Monitor.PulseAll(gate);
        }
        if (!echo.Join(Long)) throw new TimeoutException("the echo thread did not end");
        return Percentiles.Of(us);
    }

    /// <summary>The same round trip between two threads in C (ipc_compare.c's "threads" mode: a pthread mutex
    /// and condition variable).</summary>
    public static Percentiles ThreadRoundTripInC(string program, int trips, int cpu) =>
        Percentiles.Parse(RunC(program, "threads", N(trips), N(cpu)));

    /// <summary>Why a mechanism has no stream figure.</summary>
    public static string StreamsNot(Mechanism m) => m switch
    {
        Mechanism.Udp => "on loopback a datagram that finds the receiver's buffer full is dropped, not waited for; a stream of them without flow control loses messages",
        Mechanism.Signal => "a signal carries one 4-byte value",
        Mechanism.EventFd => "an eventfd carries one 8-byte count",
        _ => "",
    };

    /// <summary>The same round trip in C: ipc_compare.c's "roundtrip" mode, at <paramref name="program"/>.</summary>
    public static Percentiles RoundTripInC(string program, Mechanism m, int trips, int cpu) =>
        Percentiles.Parse(RunC(program, "roundtrip", Info(m).Key, N(trips), N(cpu), RunDirectory.Path));

    /// <summary>The same stream in C (MB/s): ipc_compare.c's "stream" mode.</summary>
    public static double StreamInC(string program, Mechanism m, int size, int count, int cpu) =>
        double.Parse(RunC(program, "stream", Info(m).Key, N(size), N(count), N(cpu), RunDirectory.Path), CultureInfo.InvariantCulture);

    private static string N(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string RunC(string program, params string[] args)
    {
        using var output = Pipe.Create();
        using var run = Command.Start(program, args, stdout: output.WriteEnd);
        output.WriteEnd.Close();
        string text = output.ReadEnd.ReadToEnd(Long).Trim();
        var status = run.Wait(Long);
        if (!status.Success)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)}: {status}\n{string.Join("\n", run.Output.Select(l => l.Text))}");
        return text;
    }

    private static T Converse<T>(Mechanism m, int[] plan, int cpu, Func<Link, T> parent)
    {
        using var quiet = EventTrace.Pause();
        using var pinned = Scheduling.PinThread(cpu);
        // The signal must be blocked on this thread before the child can send it, or the runtime's other
        // threads would take it (and a real-time signal's default action ends the process).
        using var blocked = m == Mechanism.Signal ? Posix.SigProcMask(SigmaskHow.SIG_BLOCK, SignalLink.Carrier) : null;
        plan[ParentPidSlot] = Environment.ProcessId;
        plan[ParentTidSlot] = Posix.GetTid();
        var (link, child) = Start(m, plan);
        // Not timed alongside the next child host's start (Fork.Run begins it in the background).
        Fork.WaitUntilReady();
        using (child)
        using (link)
        {
            T result;
            try { result = parent(link); }
            catch (Exception e) when (e is WaitTimeoutException or TimeoutException or EndOfStreamException or SyscallException)
            {
                if (!child.HasExited)
                {
                    child.Kill();
                    child.Wait(Long);
                }
                throw new InvalidOperationException($"{Info(m).Name}: {e.Message} The child: {child.Failure?.Message ?? child.Status?.ToString() ?? "still running"}.", e);
            }
            var status = child.Wait(Long);
            if (!status.Success) throw new InvalidOperationException($"{Info(m).Name}: the child {status}: {child.Failure?.Message}");
            return result;
        }
    }

    /// <summary>Makes the kernel objects, starts the child with its end, and returns this process's end.</summary>
    private static (Link Link, ChildProcess Child) Start(Mechanism m, int[] plan)
    {
        switch (m)
        {
            case Mechanism.Pipe or Mechanism.Signal:
            {
                var toChild = Pipe.Create();
                var toParent = Pipe.Create();
                var child = Fork.Run(toChild.ReadEnd, toParent.WriteEnd, plan, (inbox, outbox, p) => Compare.Serve(inbox, outbox, p), name: Info(m).Key);
                toChild.ReadEnd.Dispose();
                toParent.WriteEnd.Dispose();
                if (m == Mechanism.Pipe) return (new PipeLink(toParent.ReadEnd, toChild.WriteEnd), child);
                // The child says which of its threads waits for the signal, then both pipes are done.
                int tid = BitConverter.ToInt32(toParent.ReadEnd.ReadExactly(4, Long));
                toParent.Dispose();
                toChild.Dispose();
                return (new SignalLink(child.Pid, tid), child);
            }
            case Mechanism.Tcp or Mechanism.Udp or Mechanism.Unix:
            {
                var (mine, theirs) = SocketPair(m);
                using (theirs)
                    return (new SocketLink(mine), Fork.Run(theirs, plan, (socket, p) => Compare.Serve(socket, p), name: Info(m).Key));
            }
            case Mechanism.EventFd:
            {
                var toChild = EventFd.Create();
                var toParent = EventFd.Create();
                var child = Fork.Run(toChild, toParent, plan, (inbox, outbox, p) => Compare.Serve(inbox, outbox, p), name: Info(m).Key);
                return (new EventFdLink(toChild, toParent), child);
            }
            case Mechanism.Fifo:
            {
                var toChild = Fifo.Create("cmp-to-child");
                var toParent = Fifo.Create("cmp-to-parent");
                var child = Fork.Run(new[] { toChild.Path, toParent.Path }, plan, (names, p) => Compare.Serve(names, p), name: Info(m).Key);
                // A FIFO opened for reading before any writer reads end of file, so the child opens its write
                // end first, then its read end; this process's write open returns once that read end is open,
                // and by then the child's write end is too.
                var inbox = toParent.OpenRead(Long);
                var outbox = toChild.OpenWrite(Long);
                return (new PipeLink(inbox, outbox, toChild, toParent), child);
            }
            case Mechanism.SharedMemory:
            {
                var region = PosixSharedMemory.Create("cmp-ring", SharedRingLink.RegionSize);
                PosixSemaphore[] semaphores =
                [
                    PosixSemaphore.Create("cmp-0-empty", SharedRingLink.Slots), PosixSemaphore.Create("cmp-0-full"),
                    PosixSemaphore.Create("cmp-1-empty", SharedRingLink.Slots), PosixSemaphore.Create("cmp-1-full"),
                ];
                var names = semaphores.Select(s => s.Name).Prepend(region.Name).ToArray();
                var child = Fork.Run(names, plan, (n, p) => Compare.Serve(n, p), name: Info(m).Key);
                return (new SharedRingLink(region, semaphores, parent: true), child);
            }
            case Mechanism.SysVQueue:
            {
                var queue = SysVMessageQueue.Create();
                var child = Fork.Run(new[] { queue.Id.ToString(CultureInfo.InvariantCulture) }, plan, (n, p) => Compare.Serve(n, p), name: Info(m).Key);
                return (new SysVLink(queue, 1, 2), child);
            }
            case Mechanism.PosixQueue:
            {
                var toChild = PosixMessageQueue.Create("cmp-to-child", 10, SharedRingLink.SlotSize);
                var toParent = PosixMessageQueue.Create("cmp-to-parent", 10, SharedRingLink.SlotSize);
                var child = Fork.Run(new[] { toChild.Name, toParent.Name }, plan, (n, p) => Compare.Serve(n, p), name: Info(m).Key);
                return (new PosixQueueLink(toChild, toParent), child);
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(m), m, "not a mechanism the comparison knows");
        }
    }

    /// <summary>Two connected sockets of the mechanism's kind, both on loopback (TCP with TCP_NODELAY, so a
    /// 64-byte message is not held back by Nagle's algorithm, as in the C).</summary>
    private static (Socket Mine, Socket Theirs) SocketPair(Mechanism m)
    {
        switch (m)
        {
            case Mechanism.Unix:
                return Socket.Pair();
            case Mechanism.Udp:
            {
                var a = Socket.Udp();
                var b = Socket.Udp();
                a.Bind(0);
                b.Bind(0);
                a.Connect(b.Port, Long);
                b.Connect(a.Port, Long);
                return (a, b);
            }
            default:
            {
                using var listener = Socket.Tcp();
                listener.Bind(0);
                listener.Listen(1);
                var client = Socket.Tcp();
                client.Connect(listener.Port, Long);
                var server = listener.Accept(Long);
                client.NoDelay = true;
                server.NoDelay = true;
                return (client, server);
            }
        }
    }

    // ----- the child's side: called by the bodies above, in the child process -----

    /// <summary>The child's side over two pipes (pipe), or of the signal (the pipes only carry its thread id).</summary>
    public static void Serve(PipeReadEnd inbox, PipeWriteEnd outbox, int[] plan)
    {
        if ((Mechanism)plan[MechanismSlot] != Mechanism.Signal)
        {
            Echo(new PipeLink(inbox, outbox), plan);
            return;
        }
        using var blocked = Posix.SigProcMask(SigmaskHow.SIG_BLOCK, SignalLink.Carrier);
        outbox.Write(BitConverter.GetBytes(Posix.GetTid()), Long);
        inbox.Dispose();
        outbox.Dispose();
        Echo(new SignalLink(plan[ParentPidSlot], plan[ParentTidSlot]), plan);
    }

    /// <summary>The child's side over a connected socket (TCP, UDP, Unix).</summary>
    public static void Serve(Socket socket, int[] plan) => Echo(new SocketLink(socket), plan);

    /// <summary>The child's side over two eventfds.</summary>
    public static void Serve(EventFd inbox, EventFd outbox, int[] plan) => Echo(new EventFdLink(outbox, inbox), plan);

    /// <summary>The child's side of the mechanisms reached by name or id: FIFO, shared memory, both queues.</summary>
    public static void Serve(string[] names, int[] plan)
    {
        Link link = (Mechanism)plan[MechanismSlot] switch
        {
            Mechanism.Fifo => OpenFifos(names),
            Mechanism.SharedMemory => new SharedRingLink(PosixSharedMemory.Open(names[0]), [.. names.Skip(1).Select(PosixSemaphore.Open)], parent: false),
            Mechanism.SysVQueue => new SysVLink(SysVMessageQueue.Open(int.Parse(names[0], CultureInfo.InvariantCulture)), 2, 1),
            Mechanism.PosixQueue => new PosixQueueLink(PosixMessageQueue.Open(names[1]), PosixMessageQueue.Open(names[0])),
            var other => throw new ArgumentException($"{other} is not reached by name"),
        };
        Echo(link, plan);
    }

    private static PipeLink OpenFifos(string[] paths)
    {
        var outbox = Fifo.OpenWrite(paths[1], Long);
        var inbox = Fifo.OpenRead(paths[0], Long);
        return new PipeLink(inbox, outbox);
    }

    private static void Echo(Link link, int[] plan)
    {
        EventTrace.Enabled = false;
        using var pinned = Scheduling.PinThread(plan[CpuSlot]);
        using (link)
        {
            if (plan[ModeSlot] == StreamMode)
            {
                // After the fixed slots: (size, count) for each of CountSlot sizes.
                for (int k = 0; k < plan[CountSlot]; k++)
                {
                    var chunk = new byte[plan[ParentTidSlot + 1 + 2 * k]];
                    for (int i = 0; i < plan[ParentTidSlot + 2 + 2 * k]; i++) link.Send(chunk);
                }
                return;
            }
            var message = new byte[plan[SizeSlot]];
            while (true)
            {
                link.Receive(message);
                if (message[0] == Stop) return;
                link.Send(message);
            }
        }
    }
}
