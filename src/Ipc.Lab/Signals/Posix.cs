using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Tmds.Linux;

namespace Ipc.Lab.Signals;

/// <summary>The signal calls of C, with C's names: bring them in with <c>using static Ipc.Lab.Signals.Posix;</c>
/// and a cell reads <c>Kill(pid, Signal.SIGTERM)</c>, <c>SigAction(Signal.SIGINT, SIG_IGN)</c>,
/// <c>SigProcMask(SIG_BLOCK, Signal.SIGUSR1)</c>. Thin wrappers: a failed call throws
/// <see cref="SyscallException"/> with the errno, every call that waits takes a timeout, and every signal sent
/// is recorded in the event trace. Where .NET differs from C (it needs some signals itself, and a .NET process
/// always runs several threads) the call says so.</summary>
public static unsafe class Posix
{
    /// <summary>SIG_DFL: the kernel's default action (the table in <see cref="SignalInfo"/>: Term, Core, Ign, Stop, Cont).</summary>
    public static readonly SigHandler SIG_DFL = new SigHandler.Default();

    /// <summary>SIG_IGN: the kernel drops the signal when it is sent — unless the receiving thread blocks it: a blocked
    /// signal is kept pending even while ignored (the disposition may change before it is unblocked), and dropped
    /// when it is unblocked if it is still ignored.</summary>
    public static readonly SigHandler SIG_IGN = new SigHandler.Ignore();

    /// <summary>sigprocmask's <c>how</c>: add the set to the blocked signals.</summary>
    public const SigmaskHow SIG_BLOCK = SigmaskHow.SIG_BLOCK;

    /// <summary>sigprocmask's <c>how</c>: remove the set from the blocked signals.</summary>
    public const SigmaskHow SIG_UNBLOCK = SigmaskHow.SIG_UNBLOCK;

    /// <summary>sigprocmask's <c>how</c>: block exactly the set.</summary>
    public const SigmaskHow SIG_SETMASK = SigmaskHow.SIG_SETMASK;

    // ----- sending -------------------------------------------------------------------------------------------

    /// <summary>kill(2). <paramref name="pid"/> &gt; 0 is one process; -pgid (below -1) every process of group
    /// pgid. Signal 0 sends nothing: the kernel only checks that the target exists and that we may signal it.
    /// 0 ("my own group") and -1 ("everyone I may signal") are refused, and so is the group of this notebook's
    /// children, which also holds the guardian that kills them when the notebook dies.</summary>
    public static void Kill(int pid, Signal sig)
    {
        RefuseSpecialTargets(pid);
        if (LibC.kill(pid, (int)sig) == -1) throw Sys.Fail(NativeCall.Kill, $"{Target(pid)}, signal {SignalNames.Describe((int)sig)}");
        Trace(sig, Target(pid));
    }

    /// <summary>kill(2) the way C tests its result: true when the signal was sent; otherwise false and the errno's
    /// name. With signal 0 it is the probe <c>kill(pid, 0)</c>: ESRCH means no such process, EPERM that it exists
    /// but is not ours to signal.</summary>
    public static bool Kill(int pid, Signal sig, out string errno)
    {
        RefuseSpecialTargets(pid);
        errno = "";
        if (LibC.kill(pid, (int)sig) == -1)
        {
            errno = Errno.Name(LibC.errno);
            return false;
        }
        Trace(sig, Target(pid));
        return true;
    }

    /// <summary>sigqueue(3): the signal with a value. A real-time signal is queued once per call; a standard
    /// one pending already is not queued again.</summary>
    public static void SigQueue(int pid, Signal sig, int value)
    {
        RefuseNonProcess(pid, nameof(SigQueue));
        if (SignalCalls.sigqueue(pid, (int)sig, value) == -1) throw Sys.Fail(NativeCall.SigQueue, $"pid {pid}, signal {SignalNames.Describe((int)sig)}");
        Trace(sig, $"{Target(pid)} with value {value}");
    }

    /// <summary>tgkill(2): to one thread <paramref name="tid"/> of process <paramref name="pid"/>, e.g. the
    /// thread that blocks the signal (<see cref="GetTid"/> there).</summary>
    public static void TgKill(int pid, int tid, Signal sig)
    {
        RefuseNonProcess(pid, nameof(TgKill));
        if (SignalCalls.tgkill(pid, tid, (int)sig) == -1) throw Sys.Fail(NativeCall.TgKill, $"pid {pid}, thread {tid}, signal {SignalNames.Describe((int)sig)}");
        Trace(sig, $"{Target(pid)}, thread {tid}");
    }

    /// <summary>rt_tgsigqueueinfo(2): sigqueue aimed at one thread, with a value (glibc has no wrapper; this is
    /// the system call).</summary>
    public static void RtTgSigQueueInfo(int pid, int tid, Signal sig, int value)
    {
        RefuseNonProcess(pid, nameof(RtTgSigQueueInfo));
        if (SignalCalls.QueueToThread(pid, tid, (int)sig, value) == -1) throw Sys.Fail(NativeCall.RtTgSigQueueInfo, $"pid {pid}, thread {tid}, signal {SignalNames.Describe((int)sig)}");
        Trace(sig, $"{Target(pid)}, thread {tid} with value {value}");
    }

    /// <summary>gettid(2): the kernel's id of the calling thread, where <see cref="TgKill"/> and
    /// <see cref="RtTgSigQueueInfo"/> aim.</summary>
    public static int GetTid() => SignalCalls.gettid();

    // ----- dispositions --------------------------------------------------------------------------------------

    /// <summary>sigaction(2) with a handler: from now on <paramref name="sig"/> runs <paramref name="handler"/>.
    /// Dispose the result to put back what was there before.</summary>
    public static Disposition SigAction(Signal sig, Action<Signal> handler) => SigAction(sig, new SigHandler.Handler(handler));

    /// <summary>sigaction(2): sets what this process does with <paramref name="sig"/> — <see cref="SIG_DFL"/>,
    /// <see cref="SIG_IGN"/> or a handler — and returns it; disposing the result puts back what was there
    /// before (C's <c>oldact</c>). A handler is installed with .NET's PosixSignalRegistration, so unlike a C
    /// handler it does not interrupt anything: the runtime's own native handler only notes the signal, and the
    /// handler runs a moment later on the runtime's ".NET SigHandler" thread — it may print, lock and allocate.
    /// Keep the result alive while the handler should run. SIG_DFL really is the kernel's: for SIGTERM that
    /// means death without the runtime's graceful shutdown.</summary>
    public static Disposition SigAction(Signal sig, SigHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        SignalRules.EnsureCatchable(sig);
        return handler switch
        {
            SigHandler.Handler h => Catch(sig, h),
            SigHandler.Ignore => Set(sig, handler, SignalCalls.SIG_IGN, "ignore"),
            _ => Set(sig, handler, SignalCalls.SIG_DFL, "default action for"),
        };
    }

    // What the .NET runtime had installed for a signal before SIG_IGN or SIG_DFL replaced it. The runtime
    // installs its native handler once per signal; when a handler is registered again later, this puts it back.
    private static readonly Dictionary<int, SignalCalls.SigAction> RuntimeActions = new();

    private static Disposition Set(Signal sig, SigHandler handler, nint raw, string verb)
    {
        var action = new SignalCalls.SigAction { Handler = raw };
        SignalCalls.SigAction old;
        lock (RuntimeActions)
        {
            if (SignalCalls.sigaction((int)sig, &action, &old) == -1) throw Sys.Fail(NativeCall.SigAction, SignalNames.Describe((int)sig));
            if (old.Handler is not (SignalCalls.SIG_DFL or SignalCalls.SIG_IGN)) RuntimeActions[(int)sig] = old;
        }
        EventTrace.Record(TraceKind.Note, $"{verb} {SignalNames.Describe((int)sig)}");
        var before = old;
        return new Disposition(sig, handler, () =>
        {
            var restore = before;
            lock (RuntimeActions) SignalCalls.sigaction((int)sig, &restore, null);
        });
    }

    private static Disposition Catch(Signal sig, SigHandler.Handler handler)
    {
        PosixSignalRegistration? registration = null;
        var disposition = new Disposition(sig, handler, () => registration?.Dispose());
        // The raw number, not PosixSignal.SIGINT: the named values are .NET's own negative codes (SIGINT is -2),
        // and a raw number is reported back as itself.
        registration = PosixSignalRegistration.Create((PosixSignal)(int)sig, context =>
        {
            context.Cancel = true;
            EventTrace.Record(TraceKind.Signal, $"caught {SignalNames.Describe((int)sig)}");
            handler.OnSignal(sig);
            disposition.Delivered();
        });
        lock (RuntimeActions)
        {
            SignalCalls.SigAction current;
            if (SignalCalls.sigaction((int)sig, null, &current) == 0 && current.Handler is SignalCalls.SIG_DFL or SignalCalls.SIG_IGN
                && RuntimeActions.TryGetValue((int)sig, out var runtime))
                SignalCalls.sigaction((int)sig, &runtime, null);
        }
        return disposition;
    }

    // ----- masks and pending signals -------------------------------------------------------------------------

    /// <summary>sigprocmask(2) — in a process with threads, which every .NET process is, that is
    /// pthread_sigmask(3): it changes the <em>calling thread's</em> mask only. A blocked signal is not lost: the
    /// kernel keeps it pending and delivers it when it is unblocked. A signal sent to the whole process goes
    /// to any thread that does not block it, so send to this thread (<see cref="TgKill"/> with
    /// <see cref="GetTid"/>). Dispose the result to restore the mask before (C's <c>oldset</c>), on the same thread.</summary>
    public static SavedMask SigProcMask(SigmaskHow how, params Signal[] set)
    {
        if (!Enum.IsDefined(how)) throw new ArgumentOutOfRangeException(nameof(how), how, "how is SIG_BLOCK, SIG_UNBLOCK or SIG_SETMASK.");
        sigset_t s = ToSet(set);
        sigset_t previous;
        int err = LibC.pthread_sigmask((int)how, &s, &previous);
        MaskChanged();
        if (err != 0) throw Explain.Failure(NativeCall.PthreadSigMask, err);
        int tid = GetTid();
        string verb = how switch { SigmaskHow.SIG_BLOCK => "blocked", SigmaskHow.SIG_UNBLOCK => "unblocked", _ => "set the mask to" };
        EventTrace.Record(TraceKind.Note, $"{verb} {Describe(set)} on thread {tid}");
        return new SavedMask(previous, tid);
    }

    /// <summary>sigpending(2): the signals pending for the calling thread or for its whole process.</summary>
    public static IReadOnlyList<Signal> SigPending()
    {
        sigset_t pending;
        if (LibC.sigpending(&pending) == -1) throw Sys.Fail(NativeCall.SigPending);
        return Members(&pending);
    }

    /// <summary>sigtimedwait(2): takes the next pending signal of <paramref name="set"/> out of the pending set
    /// (lowest number first; real-time signals of one number in the order they were sent), with the value a
    /// sigqueue sent; null when none arrives within the timeout (TimeSpan.Zero: do not wait). As in C, the
    /// signals must be blocked on the calling thread first (<see cref="SigProcMask"/>), or they would run their
    /// action — or, in a .NET process, go to another thread — instead of waiting here.</summary>
    public static SigInfo? SigTimedWait(IReadOnlyCollection<Signal> set, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count == 0) throw new ArgumentException("Name the signals to wait for.", nameof(set));
        sigset_t wanted = ToSet(set);
        ulong bits = 0;
        foreach (var sig in set) bits |= 1UL << ((int)sig - 1);
        if ((bits & ~_seenBlocked) != 0)
        {
            sigset_t blocked;
            LibC.pthread_sigmask(LibC.SIG_BLOCK, null, &blocked);
            var unblocked = set.Except(Members(&blocked)).ToList();
            if (unblocked.Count > 0)
                throw new InvalidOperationException($"SigTimedWait takes signals that wait, blocked, in the pending set, and {Describe(unblocked)} is not blocked on this thread ({GetTid()}). " +
                    "Block it first on the thread that waits, with SigProcMask(SIG_BLOCK, ...), and send it to that thread (TgKill or RtTgSigQueueInfo with that thread's GetTid()).");
            _seenBlocked |= bits;
        }
        long deadline = Environment.TickCount64 + (timeout == TimeSpan.Zero ? 0 : Lab.ToMilliseconds(timeout));
        while (true)
        {
            long left = Math.Max(0, deadline - Environment.TickCount64);
            var wait = new timespec { tv_sec = left / 1000, tv_nsec = (long_t)(left % 1000 * 1_000_000) };
            SignalCalls.SigInfo info;
            sigset_t s = wanted;
            int n = SignalCalls.sigtimedwait(&s, &info, &wait);
            if (n > 0)
            {
                bool queued = info.Code == SignalCalls.SI_QUEUE;
                var received = new SigInfo((Signal)n, info.Code, info.Pid, queued ? (int)info.Value : 0);
                EventTrace.Record(TraceKind.Signal, $"took {SignalNames.Describe(n)}{(queued ? $" with value {received.Value}" : "")} from the pending set");
                return received;
            }
            int e = LibC.errno;
            if (e == LibC.EAGAIN) return null;
            if (e != LibC.EINTR) throw Sys.Fail(NativeCall.SigTimedWait);
        }
    }

    // ----- helpers -------------------------------------------------------------------------------------------

    /// <summary>Signals (bit n-1 for signal n) this thread's mask was seen to block, so that a loop of
    /// SigTimedWait asks the kernel once, not before every wait (a rt_sigprocmask per message cost the signal
    /// round trip a third of its time). A thread's mask changes only by its own calls: ours forget it.</summary>
    [ThreadStatic] private static ulong _seenBlocked;

    internal static void MaskChanged() => _seenBlocked = 0;

    private static sigset_t ToSet(IEnumerable<Signal> signals)
    {
        sigset_t set;
        LibC.sigemptyset(&set);
        foreach (var s in signals)
        {
            SignalRules.EnsureCatchable(s);
            LibC.sigaddset(&set, (int)s);
        }
        return set;
    }

    internal static IReadOnlyList<Signal> Members(sigset_t* set)
    {
        var result = new List<Signal>();
        for (int s = 1; s <= 64; s++)
            if (LibC.sigismember(set, s) == 1) result.Add((Signal)s);
        return result;
    }

    internal static string Describe(IEnumerable<Signal> signals)
    {
        var names = signals.Select(s => SignalNames.Describe((int)s)).ToList();
        return names.Count == 0 ? "no signal" : string.Join(", ", names);
    }

    private static void RefuseSpecialTargets(int pid)
    {
        if (pid is 0 or -1)
            throw new ArgumentOutOfRangeException(nameof(pid), $"Kill takes the pid of one process, or minus a process group id, and {pid} is neither: to kill(2), 0 means \"my own process group\" and -1 \"every process I may signal\" — never what a demo wants. " +
                "For a group pass -pgid, e.g. minus the pid of a child that called ProcessGroup.LeaveParentGroup().");
        if (pid < -1 && -pid == RunProcesses.GuardedGroup)
            throw new ArgumentException($"Process group {-pid} is the group every child of this notebook starts in, together with the guardian process that cleans up after the notebook. " +
                "Make a group of your own instead: in the child, call ProcessGroup.LeaveParentGroup(), and signal the group it returns (Kill(-pgid, signal)).", nameof(pid));
    }

    private static void RefuseNonProcess(int pid, string call)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), $"{call} takes the pid of one process, and {pid} is none: to kill(2), 0 means \"my own process group\" and -1 \"every process I may signal\". Use Kill(-pgid, signal) for a group.");
    }

    private static string Target(int pid) =>
        pid < 0 ? $"process group {-pid}"
        : RunProcesses.Running.TryGetValue(pid, out var name) ? $"'{name}' (pid {pid})"
        : $"pid {pid}";

    private static void Trace(Signal sig, string target)
    {
        if (sig != 0) EventTrace.Record(TraceKind.Signal, $"sent {SignalNames.Describe((int)sig)} to {target}");
    }
}
