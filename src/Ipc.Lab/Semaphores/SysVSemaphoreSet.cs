using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Ipc.Lab.Native.SysVCalls;

namespace Ipc.Lab.Semaphores;

/// <summary>A System V semaphore set: semget makes a set of counters, semop changes them. DOWN (P) waits
/// until a semaphore is above 0 and takes one; UP (V) gives one back and wakes a waiter — the lecture's two
/// operations. Every DOWN has a timeout (semtimedop), so a deadlock ends in an error that says which
/// semaphore waited and who last changed it. The creator owns the set and removes it (IPC_RMID) when
/// disposed, or its guardian does if it is killed.</summary>
public sealed unsafe class SysVSemaphoreSet : IDisposable, IChildTransferable<SysVSemaphoreSet>
{
    private readonly bool _owner;
    private readonly string[] _labels;
    private bool _disposed;

    private SysVSemaphoreSet(int id, int key, int count, string[] labels, bool owner)
    {
        Id = id;
        Key = key;
        Count = count;
        _labels = labels;
        _owner = owner;
    }

    /// <summary>The identifier semget returned: what other processes use.</summary>
    public int Id { get; }

    /// <summary>The random key it was created with (IPC_EXCL: never someone else's set).</summary>
    public int Key { get; }

    /// <summary>How many semaphores the set holds.</summary>
    public int Count { get; }

    /// <summary>Creates a set with one semaphore per initial value, mode 0600. <paramref name="labels"/>
    /// names them in errors and traces ("empty", "full", "mutex").</summary>
    public static SysVSemaphoreSet Create(int[] initialValues, string[]? labels = null)
    {
        ArgumentNullException.ThrowIfNull(initialValues);
        if (initialValues.Length is < 1 or > 250)
            throw new ArgumentOutOfRangeException(nameof(initialValues), initialValues.Length, "A semaphore set holds 1 to 250 semaphores (SEMMSL).");
        if (initialValues.Any(v => v is < 0 or > 32767))
            throw new ArgumentOutOfRangeException(nameof(initialValues), "A System V semaphore's value is 0 to 32,767 (SEMVMX).");
        if (labels is not null && (labels.Length != initialValues.Length || labels.Any(l => string.IsNullOrWhiteSpace(l) || l.Contains('|') || l.Contains(','))))
            throw new ArgumentException("Give one label per semaphore, without '|' or ','.", nameof(labels));
        int id, key;
        while (true)
        {
            key = KernelNames.RandomKey();
            id = semget(key, initialValues.Length, IPC_CREAT | IPC_EXCL | 0b110_000_000);
            if (id >= 0) break;
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EEXIST) throw Explain.Failure(NativeCall.SemGet, e, $"{initialValues.Length} semaphore(s)");
        }
        ObjectRegistry.Add("sem", id.ToString(), key);
        var set = new SysVSemaphoreSet(id, key, initialValues.Length,
            labels ?? Enumerable.Range(0, initialValues.Length).Select(i => $"#{i}").ToArray(), owner: true);
        try
        {
            for (int i = 0; i < initialValues.Length; i++) set.SetValue(i, initialValues[i]);
        }
        catch
        {
            set.Dispose();
            throw;
        }
        EventTrace.Record(TraceKind.Note, $"semget → set {id}: {set.Describe()}");
        return set;
    }

    /// <summary>A set of one semaphore.</summary>
    public static SysVSemaphoreSet Create(int initialValue, string label = "#0") => Create([initialValue], [label]);

    /// <summary>Uses an existing set by the id its creator got; disposing it does not remove the set.</summary>
    public static SysVSemaphoreSet Open(int id, string[]? labels = null)
    {
        // The set's size, from the kernel's list (semctl IPC_STAT would need struct semid_ds declared).
        int count = SysVIpcTable.SemaphoreSets().FirstOrDefault(s => s.Id == id)?.Semaphores ?? 0;
        if (count == 0)
            throw new SyscallException(NativeCall.SemGet, Errno.EINVAL, $"there is no semaphore set with id {id} (removed already, or never created)",
                "use the Id of a set that its creator has not disposed yet");
        return new SysVSemaphoreSet(id, 0, count, labels ?? Enumerable.Range(0, count).Select(i => $"#{i}").ToArray(), owner: false);
    }

    /// <summary>DOWN (P): waits until semaphore <paramref name="index"/> is above 0, then subtracts one. With
    /// <paramref name="undo"/> (SEM_UNDO) the kernel gives it back if this process dies before its UP.</summary>
    public void Down(int index = 0, TimeSpan? timeout = null, bool undo = false) => Change(index, -1, timeout, undo);

    /// <summary>UP (V): adds <paramref name="count"/> and wakes whoever waits. Never blocks.</summary>
    public void Up(int index = 0, int count = 1, bool undo = false)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "UP adds at least 1.");
        Change(index, count, null, undo);
    }

    /// <summary>DOWN if it can be done now; false (and nothing changed) if it would block.</summary>
    public bool TryDown(int index = 0, bool undo = false) => Op(index, -1, IPC_NOWAIT | (undo ? SEM_UNDO : 0), null) == 0;

    private void Change(int index, int amount, TimeSpan? timeout, bool undo)
    {
        CheckIndex(index);
        short flags = undo ? SEM_UNDO : (short)0;
        if (amount > 0)
        {
            Check(Op(index, amount, flags, null), NativeCall.SemOp, index, amount);
            if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"UP {Label(index)}{(undo ? " (SEM_UNDO)" : "")}");
            return;
        }
        // Try first without waiting, so that the trace shows a wait only when there was one.
        int r = Op(index, amount, (short)(flags | IPC_NOWAIT), null);
        if (r == 0)
        {
            if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"DOWN {Label(index)}{(undo ? " (SEM_UNDO)" : "")}");
            return;
        }
        if (r != Errno.EAGAIN) Check(r, NativeCall.SemOp, index, amount);
        int ms = Lab.ToMilliseconds(timeout);
        EventTrace.Record(TraceKind.Blocked, $"DOWN {Label(index)} waits");
        if (!WaitUntilDone([(index, amount)], flags, ms)) throw TimedOut(index, ms);
        EventTrace.Record(TraceKind.Woke, $"DOWN {Label(index)} done{(undo ? " (SEM_UNDO)" : "")}");
    }

    /// <summary>semop(2) with several operations on this set (an amount below 0 is a DOWN by that much, above 0
    /// an UP), applied atomically: the kernel does all of them at once, or — while any one of them would have
    /// to wait — none, and waits (at most the timeout) until it can do all. Taking two locks in one call
    /// this way can never hold one while waiting for the other: a second cure for the deadlock.</summary>
    public void SemOp(IReadOnlyList<(int Index, int Amount)> operations, TimeSpan? timeout = null, bool undo = false)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0) throw new ArgumentException("semop needs at least one operation.", nameof(operations));
        foreach (var (index, amount) in operations)
        {
            CheckIndex(index);
            if (amount is 0 or < short.MinValue or > short.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(operations), amount, "Each operation adds or takes 1 to 32,767 (an amount of 0 would wait for zero, which this course does not use).");
        }
        string what = string.Join(", ", operations.Select(o => $"{Label(o.Index)} {o.Amount:+0;-0}"));
        short flags = undo ? SEM_UNDO : (short)0;
        int r = Ops(operations, (short)(flags | IPC_NOWAIT), null);
        if (r == 0)
        {
            if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"semop {what}{(undo ? " (SEM_UNDO)" : "")}");
            return;
        }
        if (r != Errno.EAGAIN) Check(r, NativeCall.SemOp, operations[0].Index, operations[0].Amount);
        int ms = Lab.ToMilliseconds(timeout);
        EventTrace.Record(TraceKind.Blocked, $"semop {what} waits");
        if (!WaitUntilDone(operations, flags, ms))
            throw new WaitTimeoutException($"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s for semop {what} on semaphore set {Id}, " +
                $"and could never do all of them at once. Values: {Describe()}. Whoever holds what you take must UP it; semop changed nothing while it waited.");
        EventTrace.Record(TraceKind.Woke, $"semop {what} done{(undo ? " (SEM_UNDO)" : "")}");
    }

    /// <summary>Waits in semtimedop, at most <paramref name="ms"/>, until the kernel can do all the operations
    /// (and does them); false when the time ran out first.</summary>
    private bool WaitUntilDone(IReadOnlyList<(int Index, int Amount)> operations, short flags, int ms)
    {
        long deadline = Environment.TickCount64 + ms;
        while (true)
        {
            long left = Math.Max(0, deadline - Environment.TickCount64);
            var t = new timespec { tv_sec = (time_t)(left / 1000), tv_nsec = (long_t)(left % 1000 * 1_000_000) };
            int r = Ops(operations, flags, &t);
            if (r == 0) return true;
            if (r == Errno.EINTR) continue;
            if (r == Errno.EAGAIN) return false;
            Check(r, NativeCall.SemTimedOp, operations[0].Index, operations[0].Amount);
        }
    }

    private int Ops(IReadOnlyList<(int Index, int Amount)> operations, short flags, timespec* timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var ops = stackalloc SemBuf[operations.Count];
        for (int i = 0; i < operations.Count; i++)
            ops[i] = new SemBuf { Number = (ushort)operations[i].Index, Operation = (short)operations[i].Amount, Flags = flags };
        return semtimedop(Id, ops, (nuint)operations.Count, timeout) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>One semtimedop of one operation; 0 or the errno.</summary>
    private int Op(int index, int amount, int flags, timespec* timeout) => Ops([(index, amount)], (short)flags, timeout);

    private void Check(int error, NativeCall call, int index, int amount)
    {
        if (error == 0) return;
        if (error == Errno.EIDRM || error == Errno.EINVAL)
            throw new SyscallException(call, error, $"semaphore set {Id} was removed (by its owner, or ipcrm), so {Label(index)} no longer exists",
                "keep the set until every process is done with it: its creator must dispose it last");
        throw Explain.Failure(call, error, $"{(amount < 0 ? "DOWN" : "UP")} {Label(index)} of set {Id}");
    }

    private WaitTimeoutException TimedOut(int index, int ms)
    {
        int last = Ctl(index, GETPID, NativeCall.SemCtlGetPid);
        int waiting = Ctl(index, GETNCNT, NativeCall.SemCtlGetNCount);
        string who = last == 0 ? "no process has changed it since it was created" :
            last == Environment.ProcessId ? $"the last process to change it was this one (pid {last}, {EventTrace.ProcessName})" :
            $"the last process to change it was pid {last}";
        return new WaitTimeoutException(
            $"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s to DOWN {Label(index)} of semaphore set {Id}, but its value stayed 0: " +
            $"{who}, and {waiting} process(es) wait for it now. Values: {Describe()}. " +
            "A semaphore at 0 is held (a lock) or not yet signalled: whoever holds it must UP it — if that process waits for something you hold, it is a deadlock; take semaphores in one fixed order.");
    }

    /// <summary>The current value of semaphore <paramref name="index"/> (semctl GETVAL).</summary>
    public int this[int index] => Ctl(CheckIndex(index), GETVAL, NativeCall.SemCtlGetValue);

    /// <summary>semctl SETVAL.</summary>
    public void SetValue(int index, int value)
    {
        if (value is < 0 or > 32767) throw new ArgumentOutOfRangeException(nameof(value), value, "A System V semaphore's value is 0 to 32,767.");
        CheckIndex(index);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (semctl(Id, index, SETVAL, value) == -1) Check(Marshal.GetLastPInvokeError(), NativeCall.SemCtlSetValue, index, value);
    }

    /// <summary>sem_otime: when a semop last changed this set, or null while none has — semget starts it at 0,
    /// and semctl(SETVAL) leaves it alone. A creator that does one semop after initialising tells every other
    /// process that the values are ready (read from /proc/sysvipc/sem, which holds the same field).</summary>
    public DateTimeOffset? SemOTime
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            long otime = SysVIpcTable.SemaphoreSets().FirstOrDefault(r => r.Id == Id)?.OTime
                ?? throw new SyscallException(NativeCall.SemGet, Errno.EINVAL, $"semaphore set {Id} no longer exists", "keep the set until every process is done with it");
            return otime == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(otime);
        }
    }

    /// <summary>How many processes wait in DOWN on semaphore <paramref name="index"/> (semctl GETNCNT).</summary>
    public int Waiting(int index = 0) => Ctl(CheckIndex(index), GETNCNT, NativeCall.SemCtlGetNCount);

    /// <summary>Waits until <paramref name="processes"/> processes are blocked in DOWN on semaphore
    /// <paramref name="index"/> — a start line, so that a race begins with everyone at it rather than with
    /// whoever happened to start first. The kernel's count (GETNCNT) is polled, bounded by the timeout.</summary>
    public void WaitForWaiters(int index, int processes, TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        while (Waiting(index) < processes)
        {
            if (Environment.TickCount64 > deadline)
                throw new WaitTimeoutException($"Waited {ms / 1000.0:0.###} s for {processes} process(es) to wait on {Label(index)} of semaphore set {Id}; {Waiting(index)} do. " +
                    "A process that never reaches its DOWN has failed or is stuck before it: look at its output.");
            Thread.Sleep(1);
        }
    }

    private int Ctl(int index, int command, NativeCall call)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int r = semctl(Id, index, command, 0);
        if (r == -1) Check(Marshal.GetLastPInvokeError(), call, index, 0);
        return r;
    }

    private int CheckIndex(int index)
    {
        if (index < 0 || index >= Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"This set holds {Count} semaphore(s): indexes 0..{Count - 1}.");
        return index;
    }

    private string Label(int index) => $"'{_labels[index]}'";

    /// <summary>"mutex=1, full=0".</summary>
    public string Describe() => string.Join(", ", Enumerable.Range(0, Count).Select(i => $"{_labels[i]}={this[i]}"));

    /// <summary>A child gets the id (and the labels) and uses the same set; it does not own it.</summary>
    public ChildTransfer PrepareTransfer() => new([], $"{Id}|{string.Join(",", _labels)}");

    static SysVSemaphoreSet IChildTransferable<SysVSemaphoreSet>.FromTransfer(int[] fds, string state)
    {
        var parts = state.Split('|');
        return Open(int.Parse(parts[0]), parts[1].Split(','));
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_owner) return;
        semctl(Id, 0, IPC_RMID, 0);
        ObjectRegistry.Remove("sem", Id.ToString(), Key);
    }

    public override string ToString() => _disposed ? $"semaphore set {Id} (disposed)" : $"semaphore set {Id}: {Describe()}";
}
