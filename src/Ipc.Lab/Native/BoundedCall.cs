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
/// wakes at the earliest deadline, at least once a second while a call is inside, and not at all while none
/// is (a call wakes it then); callers with a timeout under a second keep poll(2).</summary>
internal static unsafe class BoundedCall
{
    /// <summary>SIGRTMAX-1 (63). glibc keeps 32 and 33 for itself, CoreCLR takes 34 (SIGRTMIN) to suspend
    /// threads, and the course's coalescing experiment ends its rounds with SIGRTMAX; Signals.SignalRules
    /// refuses a handler for this one. A thread that blocks it (sigprocmask) loses the bound on these calls.</summary>
    public const int InterruptSignal = 63;

    /// <summary>Returned instead of a byte count when the deadline passed before the call moved any byte.</summary>
    public const long TimedOut = -2;

    /// <summary>Below this timeout callers keep poll(2): the watchdog's tick would be a large part of it.</summary>
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
    private static int _asleep;
    private static readonly Lazy<bool> Installed = new(Install, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>False where the handler could not be installed: callers then poll first, as before.</summary>
    public static bool Available => Installed.Value;

    /// <summary>read(2), blocking, ended at <paramref name="deadline"/> (Environment.TickCount64). Returns the
    /// byte count (0 at end of file), <see cref="TimedOut"/>, or -1 with <paramref name="error"/> (never EINTR).</summary>
    public static long Read(int fd, Span<byte> buffer, long deadline, string what, out int error)
    {
        fixed (byte* p = buffer) return Call(write: false, fd, p, buffer.Length, deadline, what, out error);
    }

    /// <summary>write(2), blocking, ended at <paramref name="deadline"/>: as many bytes as the kernel took
    /// before the deadline (a write of at most PIPE_BUF bytes to a pipe stays all or nothing), or as for Read.</summary>
    public static long Write(int fd, ReadOnlySpan<byte> data, long deadline, string what, out int error)
    {
        fixed (byte* p = data) return Call(write: true, fd, p, data.Length, deadline, what, out error);
    }

    private static long Call(bool write, int fd, byte* p, int length, long deadline, string what, out int error)
    {
        var slot = _mine ?? Register();
        error = 0;
        while (true)
        {
            slot.Deadline = deadline;
            slot.Since = Environment.TickCount64;
            slot.What = what;
            // A full fence: either the watchdog, going to sleep, sees this call armed, or we see it asleep.
            Interlocked.Exchange(ref slot.Active, 1);
            if (Volatile.Read(ref _asleep) != 0) WakeWatchdog();
            long n = write ? Tmds.Linux.LibC.write(fd, p, length) : read(fd, p, length);
            int e = n == -1 ? errno : 0;
            Volatile.Write(ref slot.Active, 0);
            if (n >= 0) return n;
            if (e != EINTR)
            {
                error = e;
                return -1;
            }
            if (Environment.TickCount64 >= deadline) return TimedOut;
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
            _asleep = 0;
            Monitor.PulseAll(Gate);
        }
    }

    /// <summary>Sleeps until the earliest deadline of a call inside, but never longer than
    /// <see cref="ShortestTimeoutMs"/>: a call armed while it sleeps has a deadline at least that far off, so
    /// it is never found late. A thread signalled but still inside (the signal came just before its call
    /// began) is signalled again a tick later. With no call inside it sleeps until a call wakes it.</summary>
    private static void Watch()
    {
        lock (Gate)
        {
            while (true)
            {
                long now = Environment.TickCount64;
                long next = now + ShortestTimeoutMs;
                bool any = false;
                foreach (var slot in Slots)
                {
                    if (Volatile.Read(ref slot.Active) == 0) continue;
                    any = true;
                    long deadline = slot.Deadline;
                    if (now >= deadline)
                    {
                        SignalCalls.tgkill(Environment.ProcessId, slot.Tid, InterruptSignal);
                        next = Math.Min(next, now + TickMs);
                    }
                    else next = Math.Min(next, deadline);
                }
                if (any)
                {
                    _asleep = 0;
                    Monitor.Wait(Gate, (int)Math.Max(1, next - now));
                    continue;
                }
                Interlocked.Exchange(ref _asleep, 1);
                // Looked again after saying so: a call armed before it saw _asleep is found here.
                if (!Slots.Any(s => Volatile.Read(ref s.Active) != 0)) Monitor.Wait(Gate, 60_000);
            }
        }
    }
}
