using System.Runtime.InteropServices;
using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Ipc.Lab.Native.SysVCalls;

namespace Ipc.Lab.MessageQueues;

/// <summary>A message msgrcv returned: its type, its bytes, and the bytes read as UTF-8.</summary>
public sealed record SysVMessage(long Type, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>What msgctl(IPC_STAT) says of a queue: messages in it (msg_qnum), bytes in it (msg_cbytes), its
/// capacity in bytes (msg_qbytes), and the last sender's and receiver's pids (0: nobody yet).</summary>
public sealed record SysVMessageQueueStat(long QNum, long CBytes, long QBytes, int LastSenderPid, int LastReceiverPid);

/// <summary>A System V message queue: msgget makes it, msgsnd puts a typed message in, msgrcv takes one out —
/// the oldest (type 0), the oldest of one type (type &gt; 0), or the oldest of the lowest type up to |type|
/// (type &lt; 0). Every wait is bounded: SysV queues cannot be polled, so a blocking send or receive is tried
/// with IPC_NOWAIT until it succeeds or the timeout ends, and the timeout says what the queue held. The
/// creator owns the queue and removes it (IPC_RMID) when disposed, or its guardian does if it is killed.</summary>
public sealed unsafe class SysVMessageQueue : IDisposable, IChildTransferable<SysVMessageQueue>
{
    /// <summary>IPC_CREAT: create the queue if no queue has the key.</summary>
    public const int IPC_CREAT = SysVCalls.IPC_CREAT;

    /// <summary>IPC_EXCL: with IPC_CREAT, fail with EEXIST instead of using a queue that has the key.</summary>
    public const int IPC_EXCL = SysVCalls.IPC_EXCL;

    private readonly bool _owner;
    private bool _disposed, _removed;

    private SysVMessageQueue(int id, int key, bool owner)
    {
        Id = id;
        Key = key;
        _owner = owner;
    }

    /// <summary>The identifier msgget returned: what other processes use.</summary>
    public int Id { get; }

    /// <summary>The key it was created or looked up with (0 when opened by id).</summary>
    public int Key { get; }

    /// <summary>msgget(random key, IPC_CREAT | IPC_EXCL | 0600): a new queue nobody else can have.</summary>
    public static SysVMessageQueue Create()
    {
        int id, key;
        while (true)
        {
            key = KernelNames.RandomKey();
            id = msgget(key, SysVCalls.IPC_CREAT | SysVCalls.IPC_EXCL | 0b110_000_000);
            if (id >= 0) break;
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EEXIST) throw Explain.Failure(NativeCall.MsgGet, e, "a new queue");
        }
        return Owned(id, key, $"msgget → queue {id}");
    }

    /// <summary>msgget(key, flags) as written in C, with a key from <see cref="Ftok"/>. Permission bits in
    /// <paramref name="flags"/> are used as given; with none, the queue is created 0600. A queue this call creates
    /// is owned, removed when disposed and registered for the guardian; with IPC_CREAT but no IPC_EXCL, an
    /// existing queue with the key is used instead (and left alone when disposed), as C's msgget does.</summary>
    public static SysVMessageQueue Get(int key, int flags)
    {
        if ((flags & 0x1FF) == 0) flags |= 0b110_000_000;
        if ((flags & SysVCalls.IPC_CREAT) != 0)
        {
            // Tried exclusively first, so that we know whether this call created the queue.
            int created = msgget(key, flags | SysVCalls.IPC_EXCL);
            if (created >= 0) return Owned(created, key, $"msgget(0x{key:x8}) → queue {created}");
            int e = Marshal.GetLastPInvokeError();
            if (e != Errno.EEXIST || (flags & SysVCalls.IPC_EXCL) != 0) throw Explain.Failure(NativeCall.MsgGet, e, $"key 0x{key:x8}");
        }
        int id = msgget(key, flags & ~SysVCalls.IPC_CREAT);
        if (id < 0) throw Explain.Failure(NativeCall.MsgGet, Marshal.GetLastPInvokeError(), $"key 0x{key:x8}");
        return new SysVMessageQueue(id, key, owner: false);
    }

    /// <summary>ftok(path, id): a key made from the file's inode and device and the low 8 bits of
    /// <paramref name="id"/>, as C's programs make the key they share.</summary>
    public static int Ftok(string path, char id)
    {
        int key = ftok(path, id);
        if (key == -1) throw Explain.Failure(NativeCall.Ftok, Marshal.GetLastPInvokeError(), $"ftok(\"{path}\", '{id}')");
        return key;
    }

    /// <summary>Uses an existing queue by the id its creator got; disposing it does not remove the queue.</summary>
    public static SysVMessageQueue Open(int id)
    {
        var queue = new SysVMessageQueue(id, 0, owner: false);
        queue.Stat(); // fails with an explained EINVAL if there is no such queue
        return queue;
    }

    private static SysVMessageQueue Owned(int id, int key, string note)
    {
        ObjectRegistry.Add("msg", id.ToString(), key);
        EventTrace.Record(TraceKind.Note, note);
        return new SysVMessageQueue(id, key, owner: true);
    }

    /// <summary>msgsnd of <paramref name="text"/> as UTF-8.</summary>
    public void Send(long type, string text, bool noWait = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Send(type, Encoding.UTF8.GetBytes(text), noWait, timeout);
    }

    /// <summary>msgsnd: puts a message of <paramref name="type"/> (1 or more) in the queue. A full queue makes it
    /// wait, for at most the timeout; with <paramref name="noWait"/> (IPC_NOWAIT) it fails at once with EAGAIN.</summary>
    public void Send(long type, byte[] data, bool noWait = false, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Length > MsgMax)
            throw new SyscallException(NativeCall.MsgSnd, Errno.EINVAL,
                $"the message is {data.Length:N0} bytes, more than msgmax, the largest message this machine allows ({MsgMax:N0} bytes, /proc/sys/kernel/msgmax)",
                "send at most msgmax bytes per message: cut it into several messages, or use shared memory for bulk data",
                $"msgsnd of {data.Length:N0} bytes to queue {Id}");
        if (type <= 0)
            throw new ArgumentOutOfRangeException(nameof(type), type,
                "A message's type must be 1 or more: msgsnd refuses 0 and negative types (EINVAL), which msgrcv uses to mean \"any type\" and \"by priority\".");
        ObjectDisposedException.ThrowIf(_disposed, this);
        int ms = noWait ? 0 : Lab.ToMilliseconds(timeout);
        var buffer = new byte[sizeof(long) + data.Length];
        fixed (byte* p = buffer)
        {
            *(long*)p = type;
            data.CopyTo(buffer, sizeof(long));
            nint message = (nint)p;
            WaitBounded(Errno.EAGAIN, noWait, ms,
                wait => msgsnd(Id, (void*)message, (nuint)data.Length, wait ? 0 : SysVCalls.IPC_NOWAIT),
                (e, w) => Failure(NativeCall.MsgSnd, e, w, $"send a {data.Length}-byte message of type {type} to queue {Id}"),
                () => TimedOut("msgsnd", ms, $"room for a {data.Length}-byte message of type {type}", null,
                    "a full queue empties only when a receiver takes messages: is one running, and does it receive the types you send?"),
                SendNote(type), out bool waited);
            if (waited) EventTrace.Record(TraceKind.Woke, $"msgsnd type {type} to queue {Id} done");
            else if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"msgsnd type {type}, {data.Length} bytes to queue {Id}");
        }
    }

    /// <summary>msgmax: the largest message msgsnd accepts (8,192 by default), read once.</summary>
    public static int MsgMax => _msgMax ??= int.Parse(File.ReadAllText("/proc/sys/kernel/msgmax").Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static int? _msgMax;

    /// <summary>msgrcv: takes a message out of the queue. <paramref name="type"/> 0 takes the oldest; above 0, the
    /// oldest of that type (with <paramref name="except"/>, MSG_EXCEPT: of any other type); below 0, the oldest of
    /// the lowest type up to |type|. A message longer than <paramref name="maxSize"/> fails with E2BIG and stays in
    /// the queue, unless <paramref name="noError"/> (MSG_NOERROR) cuts it. With nothing to take it waits, for at
    /// most the timeout; with <paramref name="noWait"/> (IPC_NOWAIT) it fails at once with ENOMSG.</summary>
    public SysVMessage Receive(long type = 0, int maxSize = 8192, bool noError = false, bool except = false, bool noWait = false, TimeSpan? timeout = null)
    {
        if (maxSize < 0) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, "A buffer holds 0 bytes or more.");
        if (except && type <= 0)
            throw new ArgumentException("MSG_EXCEPT takes the first message whose type is not the given one: give a type of 1 or more.", nameof(except));
        ObjectDisposedException.ThrowIf(_disposed, this);
        int ms = noWait ? 0 : Lab.ToMilliseconds(timeout);
        int flags = (noError ? MSG_NOERROR : 0) | (except ? MSG_EXCEPT : 0);
        var buffer = new byte[sizeof(long) + maxSize];
        var (wanted, note) = ReceiveWords(type, except);
        fixed (byte* p = buffer)
        {
            nint into = (nint)p;
            long n = WaitBounded(Errno.ENOMSG, noWait, ms,
                wait => msgrcv(Id, (void*)into, (nuint)maxSize, (nint)type, wait ? flags : flags | SysVCalls.IPC_NOWAIT),
                (e, w) => Failure(NativeCall.MsgRcv, e, w, $"receive {wanted} from queue {Id} into {maxSize} bytes"),
                () => TimedOut("msgrcv", ms, wanted, type == 0 ? null : except ? $"all of type {type}" : "none of that type",
                    "a sender must send a message this receive selects: check the types both sides use"),
                note, out bool waited);
            var message = new SysVMessage(*(long*)p, buffer.AsSpan(sizeof(long), (int)n).ToArray());
            if (waited) EventTrace.Record(TraceKind.Woke, $"msgrcv from queue {Id}: type {message.Type}, {n} bytes");
            else if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"msgrcv from queue {Id}: type {message.Type}, {n} bytes");
            return message;
        }
    }

    /// <summary>A System V queue cannot be polled and its calls take no timeout, so a bounded wait is the call
    /// tried once with IPC_NOWAIT and, when it fails with <paramref name="busy"/> (full: EAGAIN; empty: ENOMSG),
    /// made again without it — blocking in the kernel, woken the moment a message or room arrives, as a C program
    /// is — under <see cref="BoundedCall"/>, whose watchdog interrupts it at the deadline (msgsnd and msgrcv are
    /// never restarted after a handler, signal(7), so the call returns EINTR). (Retrying with IPC_NOWAIT and
    /// sleeping, as this did before, cost 4× C's round trip and 1/50 of its throughput on a loaded machine.)
    /// Returns what the call returned; <paramref name="waited"/> says whether it had to wait.</summary>
    private static long WaitBounded(int busy, bool noWait, int ms, Func<bool, long> call, Func<int, bool, Exception> failure,
        Func<Exception> timedOut, string blockedNote, out bool waited)
    {
        waited = false;
        long result;
        int e;
        if (!noWait && !EventTrace.Enabled && ms >= BoundedCall.ShortestTimeoutMs && BoundedCall.Available)
        {
            // One blocking call, as C makes it, when no trace needs to know whether it waited: the IPC_NOWAIT try
            // first cost a second msgrcv on every receive that found the queue empty (each round trip's).
            var direct = new BlockingQueueCall(call);
            result = BoundedCall.Run(ref direct, BoundedCall.Deadline.In(ms), blockedNote, out e);
            if (result == BoundedCall.TimedOut) throw timedOut();
            // EIDRM: removed while this call slept in it. EINVAL: there was no such queue when the call began.
            if (result < 0) throw failure(e, e == Errno.EIDRM);
            return result;
        }
        while ((result = call(false)) < 0 && (e = Marshal.GetLastPInvokeError()) == Errno.EINTR) { }
        if (result >= 0) return result;
        e = Marshal.GetLastPInvokeError();
        if (e != busy || noWait) throw failure(e, waited);

        waited = true;
        EventTrace.Record(TraceKind.Blocked, blockedNote);
        if (!BoundedCall.Available)
            throw new InvalidOperationException($"{blockedNote}, but no bounded wait is possible: the handler of signal {BoundedCall.InterruptSignal} could not be installed.");
        var blocking = new BlockingQueueCall(call);
        result = BoundedCall.Run(ref blocking, BoundedCall.Deadline.In(ms), blockedNote, out e);
        if (result == BoundedCall.TimedOut) throw timedOut();
        if (result < 0) throw failure(e, waited);
        return result;
    }

    /// <summary>The blocking form of a queue call, for <see cref="BoundedCall.Run{TCall}"/>.</summary>
    private readonly struct BlockingQueueCall(Func<bool, long> call) : BoundedCall.IBlockingCall
    {
        public long Invoke(out int error)
        {
            long n = call(true);
            error = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
    }

    // The words a blocked call is known by (Diagnostics.Activity), kept while the type stays the same: a loop of
    // sends and receives would otherwise build the same string on every message.
    // Records, so that two threads sharing a queue each read a whole one (one reference), never half of each.
    private sealed record Words(long Type, bool Except, string Wanted, string Note);
    private Words? _receiveWords, _sendWords;

    private (string Wanted, string Note) ReceiveWords(long type, bool except)
    {
        if (_receiveWords is { } w && w.Type == type && w.Except == except) return (w.Wanted, w.Note);
        string wanted = WhatType(type, except);
        var words = new Words(type, except, wanted, $"msgrcv {wanted} from queue {Id} waits");
        _receiveWords = words;
        return (words.Wanted, words.Note);
    }

    private string SendNote(long type)
    {
        if (_sendWords is { } w && w.Type == type) return w.Note;
        var words = new Words(type, false, "", $"msgsnd type {type} to queue {Id} waits: the queue is full");
        _sendWords = words;
        return words.Note;
    }

    private static string WhatType(long type, bool except) =>
        type == 0 ? "a message of any type (type 0)" :
        except ? $"a message of any type but {type} (MSG_EXCEPT)" :
        type > 0 ? $"a message of type {type}" :
        $"a message of type {-type} or lower (type {type})";

    /// <summary>A failed send or receive. A queue removed while we waited: the kernel wakes the blocked call with
    /// EIDRM — or, if it went between our IPC_NOWAIT try and the blocking call, says EINVAL (no such id); both are
    /// reported as the EIDRM they mean, naming the queue and who waited.</summary>
    private SyscallException Failure(NativeCall call, int error, bool waited, string what)
    {
        if (waited && error is Errno.EINVAL or Errno.EIDRM)
            return new SyscallException(call, Errno.EIDRM,
                $"message queue {Id} was removed (by its owner, or ipcrm) while {EventTrace.ProcessName} (pid {Environment.ProcessId}) waited to {what}",
                "remove a queue only when every process is done with it: its creator last");
        return Explain.Failure(call, error, what);
    }

    /// <summary>"msgrcv on queue 5 waited 2 s for a message of type 5; the queue holds 3 message(s), none of that
    /// type (…)": the call, the queue, what it waited for, and what the queue held when it gave up.</summary>
    private WaitTimeoutException TimedOut(string call, int ms, string waitedFor, string? selection, string hint)
    {
        string holds;
        try
        {
            var s = Stat();
            string which = s.QNum > 0 && selection is not null ? $", {selection}" : "";
            holds = $"the queue holds {s.QNum} message(s){which} ({s.CBytes:N0} of {s.QBytes:N0} bytes; " +
                $"last sender: {Who(s.LastSenderPid)}, last receiver: {Who(s.LastReceiverPid)})";
        }
        catch (SyscallException)
        {
            holds = "the queue cannot be read any more (removed?)";
        }
        return new WaitTimeoutException(
            $"{call} on queue {Id} waited {ms / 1000.0:0.###} s for {waitedFor}; {holds}. It ran in {EventTrace.ProcessName} (pid {Environment.ProcessId}). " +
            $"{char.ToUpperInvariant(hint[0])}{hint[1..]}.");
    }

    private static string Who(int pid) => pid == 0 ? "nobody yet" : pid == Environment.ProcessId ? $"this process (pid {pid})" : $"pid {pid}";

    /// <summary>msgctl(IPC_STAT).</summary>
    public SysVMessageQueueStat Stat()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        MsqidDs ds;
        if (msgctl(Id, IPC_STAT, &ds) == -1) throw Explain.Failure(NativeCall.MsgCtlStat, Marshal.GetLastPInvokeError(), $"queue {Id}");
        return new SysVMessageQueueStat((long)ds.QNum, (long)ds.CBytes, (long)ds.QBytes, ds.LastSenderPid, ds.LastReceiverPid);
    }

    /// <summary>msgctl(IPC_RMID): removes the queue now; its messages are lost, and processes waiting on it fail
    /// with EIDRM. Any process with write permission may do it, not only the creator.</summary>
    public void Remove()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (msgctl(Id, IPC_RMID, null) == -1) throw Explain.Failure(NativeCall.MsgCtlRemove, Marshal.GetLastPInvokeError(), $"queue {Id}");
        // The id may be reused by a new queue from now on: Dispose must not remove that one.
        _removed = true;
        if (_owner) ObjectRegistry.Remove("msg", Id.ToString(), Key);
        EventTrace.Record(TraceKind.Note, $"msgctl(IPC_RMID) queue {Id}");
    }

    /// <summary>A child gets the id and uses the same queue; it does not own it.</summary>
    public ChildTransfer PrepareTransfer() => new([], Id.ToString());

    static SysVMessageQueue IChildTransferable<SysVMessageQueue>.FromTransfer(int[] fds, string state) => Open(int.Parse(state));

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_owner || _removed) return;
        msgctl(Id, IPC_RMID, null);
        ObjectRegistry.Remove("msg", Id.ToString(), Key);
    }

    public override string ToString()
    {
        if (_disposed) return $"message queue {Id} (disposed)";
        try
        {
            var s = Stat();
            return $"message queue {Id}: {s.QNum} message(s), {s.CBytes:N0} of {s.QBytes:N0} bytes";
        }
        catch (SyscallException)
        {
            return $"message queue {Id} (removed)";
        }
    }
}
