using System.Runtime.InteropServices;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Native;

/// <summary>A blocking read(2) or write(2) that still ends at its deadline, without a poll(2) before it.
/// C's read(2) on an empty pipe is one system call that sleeps until data comes; bounding it with a poll first
/// costs a second call on every wait, which a ping-pong pays twice per round trip (measured here: 1.25× C's
/// round trip for the poll alone). Instead the call is made as C makes it, and a watchdog thread interrupts it
/// if it is still inside past its deadline: it sends the thread <see cref="InterruptSignal"/>, whose handler
/// does nothing and is installed without SA_RESTART, so the kernel ends the call with EINTR (or with the
/// bytes moved so far). Arming and disarming are a few stores and one fence, no system call. The watchdog
/// sleeps until the earliest deadline; a call whose deadline is earlier than that wakes it. System V queue
/// calls, which cannot be polled at all, use the same watchdog (<see cref="Run{TCall}"/>).</summary>
internal static unsafe class BoundedCall
{
    /// <summary>SIGRTMAX-1 (63). glibc keeps 32 and 33 for itself, CoreCLR takes 34 (SIGRTMIN) to suspend
    /// threads, and the course's coalescing experiment ends its rounds with SIGRTMAX; Signals.SignalRules
    /// refuses a handler for this one. A thread that blocks it (sigprocmask) loses the bound on these calls.</summary>
    public const int InterruptSignal = 63;

    /// <summary>Returned instead of a byte count when the deadline passed before the call moved any byte.</summary>
    public const long TimedOut = -2;

    /// <summary>Below this timeout pipe reads and writes keep poll(2): a short wait is where a signal that lands
    /// just before the call begins (re-sent a tick later) would be a large part of the timeout.</summary>
    public const int ShortestTimeoutMs = 1000;

    private const int TickMs = 20;

    private sealed class Slot
    {
        public int Tid;
        public int Active;
        public long Deadline;
        public long Since;
        public string What = "";
    }

    [ThreadStatic] private static Slot? _mine;
    private static readonly List<Slot> Slots = new();
    private static readonly object Gate = new();
    /// <summary>When the watchdog will next look (TickCount64); long.MaxValue while it is looking. A call whose
    /// deadline comes earlier wakes it, so a deadline of any length is met on time.</summary>
    private static long _wakeAt = long.MaxValue;
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>False where the handler could not be installed: callers then poll first, as before.</summary>
    public static bool Available => Installed.Value;

    /// <summary>When a bounded call began and the time it must end by (Environment.TickCount64, ms), from one
    /// clock read: a streaming writer makes this call for every few bytes, and each read of the clock is a cost
    /// C's write does not pay.</summary>
    public readonly struct Deadline(long start, long end)
    {
        public long Start { get; } = start;
        public long End { get; } = end;

        public static Deadline In(int ms)
        {
            long now = Environment.TickCount64;
            return new Deadline(now, now + ms);
        }
    }

    /// <summary>A system call that may block, made by <see cref="Run{TCall}"/>: returns what the call returned,
    /// and its errno when that is -1. A struct, so a call on the hot path allocates nothing.</summary>
    public interface IBlockingCall
    {
        long Invoke(out int error);
    }

    private readonly struct ReadCall(int fd, byte* p, int length) : IBlockingCall
    {
        public long Invoke(out int error)
        {
            long n = LibcExtra.read_fast(fd, p, length);
            error = n == -1 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
    }

    private readonly struct WriteCall(int fd, byte* p, int length) : IBlockingCall
    {
        public long Invoke(out int error)
        {
            long n = LibcExtra.write_fast(fd, p, length);
            error = n == -1 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
    }

    /// <summary>read(2), blocking, ended at <paramref name="deadline"/> (Environment.TickCount64). Returns the
    /// byte count (0 at end of file), <see cref="TimedOut"/>, or -1 with <paramref name="error"/> (never EINTR).</summary>
    public static long Read(int fd, Span<byte> buffer, Deadline deadline, string what, out int error)
    {
        fixed (byte* p = buffer)
        {
            var call = new ReadCall(fd, p, buffer.Length);
            return Run(ref call, deadline, what, out error);
        }
    }

    /// <summary>write(2), blocking, ended at <paramref name="deadline"/>: as many bytes as the kernel took
    /// before the deadline (a write of at most PIPE_BUF bytes to a pipe stays all or nothing), or as for Read.</summary>
    public static long Write(int fd, ReadOnlySpan<byte> data, Deadline deadline, string what, out int error)
    {
        fixed (byte* p = data)
        {
            var call = new WriteCall(fd, p, data.Length);
            return Run(ref call, deadline, what, out error);
        }
    }

    /// <summary>Any blocking call that a handler without SA_RESTART ends with EINTR (msgrcv and msgsnd are never
    /// restarted at all), made blocking and ended at <paramref name="deadline"/>: returns what the call returned
    /// (0 or more), <see cref="TimedOut"/>, or -1 with <paramref name="error"/> (never EINTR). One mechanism for
    /// every bounded kernel wait, so one signal and one handler: two would overwrite each other's sigaction.</summary>
    public static long Run<TCall>(ref TCall call, Deadline deadline, string what, out int error) where TCall : struct, IBlockingCall
    {
        var slot = _mine ?? Register();
        error = 0;
        long end = deadline.End;
        while (true)
        {
            slot.Deadline = end;
            slot.Since = deadline.Start;
            // Stored only when it changes: a reference store pays the GC's write barrier, on every call.
            if (!ReferenceEquals(slot.What, what)) slot.What = what;
            // A full fence: either the watchdog's next scan sees this call armed, or we see the time it plans to
            // wake at (set before that scan, see Watch) and wake it when our deadline comes first.
            Interlocked.Exchange(ref slot.Active, 1);
            if (end < Volatile.Read(ref _wakeAt)) WakeWatchdog();
            long n = call.Invoke(out int e);
            Volatile.Write(ref slot.Active, 0);
            if (n >= 0) return n;
            if (e != EINTR)
            {
                error = e;
                return -1;
            }
            if (Environment.TickCount64 >= end) return TimedOut;
        }
    }

    /// <summary>What each thread is blocked in right now, for Diagnostics.Activity: "what, since".</summary>
    public static IReadOnlyList<(string What, long Since)> InProgress()
    {
        lock (Gate)
            return Slots.Where(s => Volatile.Read(ref s.Active) != 0).Select(s => (s.What, s.Since)).ToArray();
    }

    private static Slot Register()
    {
        var slot = new Slot { Tid = SignalCalls.gettid() };
        lock (Gate)
        {
            Slots.Add(slot);
            if (Slots.Count == 1)
                new Thread(Watch) { IsBackground = true, Name = "Ipc.Lab deadlines" }.Start();
        }
        return _mine = slot;
    }

    private static bool Install()
    {
        try
        {
            // The handler must exist (an ignored signal interrupts nothing, a default one kills) and do nothing.
            // getpid is async-signal-safe, takes no argument and changes nothing; the signal number the kernel
            // passes is ignored, as every C ABI allows.
            var action = new SignalCalls.SigAction { Handler = NativeLibrary.GetExport(NativeLibrary.Load("libc.so.6"), "getpid"), Flags = 0 };
            return SignalCalls.sigaction(InterruptSignal, &action, null) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static void WakeWatchdog()
    {
        lock (Gate)
        {
            Volatile.Write(ref _wakeAt, long.MaxValue);
            Monitor.PulseAll(Gate);
        }
    }

    /// <summary>Sleeps until the earliest deadline of a call inside, or a minute with none; a call whose deadline
    /// comes before the planned wake wakes it (see Run). A thread signalled but still inside (the signal came just
    /// before its call began) is signalled again a tick later.</summary>
    private static void Watch()
    {
        lock (Gate)
        {
            while (true)
            {
                // Said before the scan, with a full fence: a call armed after this either is seen by the scan or
                // reads MaxValue / the planned wake below and wakes us (Run arms, fences, then reads _wakeAt).
                Interlocked.Exchange(ref _wakeAt, long.MaxValue);
                long now = Environment.TickCount64;
                long next = now + 60_000;
                foreach (var slot in Slots)
                {
                    if (Volatile.Read(ref slot.Active) == 0) continue;
                    long deadline = slot.Deadline;
                    if (now >= deadline)
                    {
                        SignalCalls.tgkill(Environment.ProcessId, slot.Tid, InterruptSignal);
                        next = Math.Min(next, now + TickMs);
                    }
                    else next = Math.Min(next, deadline);
                }
                Volatile.Write(ref _wakeAt, next);
                Monitor.Wait(Gate, (int)Math.Max(1, next - now));
            }
        }
    }
}
