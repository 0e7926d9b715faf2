using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;

namespace Ipc.Lab.Signals;

/// <summary>Sending signals: kill(2) to a process or a process group, sigqueue(3) with a value, and both aimed
/// at one thread. Every send is recorded in the event trace.</summary>
public static class Kill
{
    /// <summary>kill(pid, signal). Signal 0 sends nothing: the kernel only checks that the process exists and
    /// that we may signal it (see <see cref="Probe"/>).</summary>
    public static void Process(int pid, Signal signal)
    {
        RefuseGroupsAndEveryone(pid, nameof(Process));
        Sys.Kill(pid, (int)signal);
        Trace(signal, $"pid {pid}");
    }

    /// <summary>kill(-pgid, signal): every process of the group. The group of this notebook's children is
    /// refused: it also holds the guardian that kills them when the notebook dies.</summary>
    public static void Group(int pgid, Signal signal)
    {
        if (pgid <= 1)
            throw new ArgumentOutOfRangeException(nameof(pgid), $"Process group {pgid}: kill(0, ...) means \"my own group\" and kill(-1, ...) \"every process I may signal\" — never what a demo wants. Pass the group id, e.g. the pid of a child that called ProcessGroup.LeaveParentGroup().");
        if (pgid == Guardian.Pid)
            throw new ArgumentException($"Process group {pgid} is the group every child of this notebook starts in, together with the guardian process that cleans up after the notebook. " +
                "Make a group of your own instead: in the child, call ProcessGroup.LeaveParentGroup(), and signal the group it returns.", nameof(pgid));
        if (Tmds.Linux.LibC.kill(-pgid, (int)signal) == -1) throw Sys.Fail("kill", $"process group {pgid}, signal {SignalNames.Describe((int)signal)}");
        Trace(signal, $"process group {pgid}");
    }

    /// <summary>sigqueue(pid, signal, value): a real-time signal is queued once per call, with its value.</summary>
    public static void Queue(int pid, Signal signal, int value)
    {
        RefuseGroupsAndEveryone(pid, nameof(Queue));
        if (SignalCalls.sigqueue(pid, (int)signal, value) == -1) throw Sys.Fail("sigqueue", $"pid {pid}, signal {SignalNames.Describe((int)signal)}");
        Trace(signal, $"pid {pid} with value {value}");
    }

    /// <summary>tgkill(pid, tid, signal): to one thread of a process, e.g. the thread of a
    /// <see cref="SignalInbox"/>, whose mask blocks the signal.</summary>
    public static void Thread(int pid, int tid, Signal signal)
    {
        RefuseGroupsAndEveryone(pid, nameof(Thread));
        if (SignalCalls.tgkill(pid, tid, (int)signal) == -1) throw Sys.Fail("tgkill", $"pid {pid}, thread {tid}, signal {SignalNames.Describe((int)signal)}");
        Trace(signal, $"pid {pid}, thread {tid}");
    }

    /// <summary>rt_tgsigqueueinfo(2): sigqueue aimed at one thread, with a value.</summary>
    public static void Queue(int pid, int tid, Signal signal, int value)
    {
        RefuseGroupsAndEveryone(pid, nameof(Queue));
        if (SignalCalls.QueueToThread(pid, tid, (int)signal, value) == -1) throw Sys.Fail("rt_tgsigqueueinfo", $"pid {pid}, thread {tid}, signal {SignalNames.Describe((int)signal)}");
        Trace(signal, $"pid {pid}, thread {tid} with value {value}");
    }

    /// <summary>kill(pid, 0): true when the process exists and we may signal it. The errno says which it is
    /// not: ESRCH (no such process) or EPERM (it exists, but is not ours to signal).</summary>
    public static bool Probe(int pid, out string errnoName)
    {
        RefuseGroupsAndEveryone(pid, nameof(Probe));
        errnoName = "";
        if (Tmds.Linux.LibC.kill(pid, 0) == 0) return true;
        errnoName = Errno.Name(Tmds.Linux.LibC.errno);
        return false;
    }

    private static void RefuseGroupsAndEveryone(int pid, string method)
    {
        if (pid <= 0)
            throw new ArgumentOutOfRangeException(nameof(pid), $"Kill.{method} takes the pid of one process, and {pid} is none: to kill(2), 0 means \"my own process group\" and -1 \"every process I may signal\". Use Kill.Group for a group.");
    }

    private static void Trace(Signal signal, string target)
    {
        if (signal != 0) EventTrace.Record(TraceKind.Signal, $"sent {SignalNames.Describe((int)signal)} to {target}");
    }
}
