using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Ipc.Lab.Native.PosixIpcCalls;

namespace Ipc.Lab.MessageQueues;

/// <summary>A message mq_receive returned: its priority, its bytes, and the bytes read as UTF-8.</summary>
public sealed record PosixMessage(uint Priority, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>What mq_getattr says of a queue: its capacity in messages (mq_maxmsg), the largest message
/// (mq_msgsize), and how many messages it holds now (mq_curmsgs).</summary>
public sealed record PosixMessageQueueAttributes(long MaxMessages, long MessageSize, long CurrentMessages);

/// <summary>A POSIX message queue (mq_open): a named queue of messages with priorities; mq_receive always takes
/// the oldest message of the highest priority. Its capacity and message size are fixed when it is created, at
/// most /proc/sys/fs/mqueue/msg_max and msgsize_max for an unprivileged process. Sending and receiving are
/// mq_timedsend and mq_timedreceive — always with a timeout. The creator owns the name and mq_unlinks it when
/// disposed. (Linux lists these queues in /dev/mqueue only where that file system is mounted.)</summary>
public sealed unsafe class PosixMessageQueue : IDisposable, IChildTransferable<PosixMessageQueue>
{
    private readonly bool _owner;
    private readonly long _messageSize;
    private int _fd;
    private bool _unlinked;

    private PosixMessageQueue(string name, int fd, long messageSize, bool owner)
    {
        Name = name;
        _fd = fd;
        _messageSize = messageSize;
        _owner = owner;
    }

    /// <summary>The name as the kernel knows it ("/ipc-lab-UID-PID-name").</summary>
    public string Name { get; }

    /// <summary>mq_open(O_CREAT | O_EXCL | O_RDWR, 0600) with room for <paramref name="maxMessages"/> messages of
    /// at most <paramref name="messageSize"/> bytes.</summary>
    public static PosixMessageQueue Create(string name, int maxMessages = 10, int messageSize = 8192)
    {
        if (maxMessages < 1) throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, $"A queue holds at least 1 message (at most {Limit("msg_max")} here).");
        if (messageSize < 1) throw new ArgumentOutOfRangeException(nameof(messageSize), messageSize, $"A message size is at least 1 byte (at most {Limit("msgsize_max")} here).");
        var full = KernelNames.Posix(name);
        var attributes = new MqAttr { MaxMessages = maxMessages, MessageSize = messageSize };
        int fd;
        fixed (byte* p = Sys.CString(full))
            fd = mq_open(p, LibC.O_CREAT | LibC.O_EXCL | LibC.O_RDWR, 0b110_000_000, &attributes);
        if (fd == -1)
        {
            int e = Marshal.GetLastPInvokeError();
            throw Explain.Failure(NativeCall.MqOpenExclusive, e, e is Errno.EINVAL or Errno.EMFILE or Errno.ENOSPC
                ? $"{full}: {maxMessages} message(s) of {messageSize:N0} bytes; this machine allows msg_max {Limit("msg_max")} messages of msgsize_max {Limit("msgsize_max")} bytes (/proc/sys/fs/mqueue/)"
                : full);
        }
        ObjectRegistry.Add("posixmq", full[1..]);
        EventTrace.Record(TraceKind.Note, $"mq_open {full}: {maxMessages} × {messageSize:N0} bytes");
        return new PosixMessageQueue(full, fd, messageSize, owner: true);
    }

    /// <summary>Opens an existing queue by its full name (O_RDWR); disposing it does not remove it.</summary>
    public static PosixMessageQueue Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int fd;
        fixed (byte* p = Sys.CString(name))
            fd = mq_open(p, LibC.O_RDWR, 0, null);
        if (fd == -1) throw Explain.Failure(NativeCall.MqOpen, Marshal.GetLastPInvokeError(), name);
        MqAttr a;
        if (mq_getattr(fd, &a) == -1)
        {
            int e = Marshal.GetLastPInvokeError();
            mq_close(fd);
            throw Explain.Failure(NativeCall.MqGetAttr, e, name);
        }
        return new PosixMessageQueue(name, fd, a.MessageSize, owner: false);
    }

    /// <summary>A limit from /proc/sys/fs/mqueue, for the messages that name it.</summary>
    private static string Limit(string file)
    {
        try { return long.Parse(File.ReadAllText("/proc/sys/fs/mqueue/" + file).Trim(), CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { return "?"; }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(Name, $"The message queue {Name} was closed: it cannot be used any more.");

    /// <summary>mq_timedsend of <paramref name="text"/> as UTF-8.</summary>
    public void Send(string text, uint priority = 0, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        Send(Encoding.UTF8.GetBytes(text), priority, timeout);
    }

    /// <summary>mq_timedsend: puts a message with <paramref name="priority"/> (0 to 32,767; higher is received
    /// first) in the queue; a full queue makes it wait, for at most the timeout.</summary>
    public void Send(byte[] data, uint priority = 0, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (priority >= 32768) throw new ArgumentOutOfRangeException(nameof(priority), priority, "A priority is 0 to 32,767 (MQ_PRIO_MAX - 1).");
        int ms = Lab.ToMilliseconds(timeout);
        var deadline = Deadline(ms);
        fixed (byte* p = data)
        {
            while (mq_timedsend(Fd, p, (nuint)data.Length, priority, &deadline) == -1)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Errno.EINTR) continue;
                if (e == Errno.ETIMEDOUT)
                    throw new WaitTimeoutException($"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s to send a {data.Length}-byte message of priority {priority} to {Name}, " +
                        $"but it stayed full: {Describe()}. A full queue empties only when a receiver takes messages: is one running?");
                throw Explain.Failure(NativeCall.MqTimedSend, e, $"{data.Length} bytes to {Name}" + (e == Errno.EMSGSIZE ? $", whose messages hold at most {_messageSize:N0} bytes" : ""));
            }
        }
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"mq_send {Name}: {data.Length} bytes, priority {priority}");
    }

    /// <summary>mq_timedreceive: takes the oldest message of the highest priority, waiting for at most the timeout.</summary>
    public PosixMessage Receive(TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        var deadline = Deadline(ms);
        var buffer = new byte[_messageSize];
        uint priority;
        nint n;
        fixed (byte* p = buffer)
        {
            while ((n = mq_timedreceive(Fd, p, (nuint)buffer.Length, &priority, &deadline)) == -1)
            {
                int e = Marshal.GetLastPInvokeError();
                if (e == Errno.EINTR) continue;
                if (e == Errno.ETIMEDOUT)
                    throw new WaitTimeoutException($"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s to receive a message from {Name}, " +
                        $"but none came: {Describe()}. A sender must send to this queue's name: is one running?");
                throw Explain.Failure(NativeCall.MqTimedReceive, e, Name);
            }
        }
        var message = new PosixMessage(priority, buffer.AsSpan(0, (int)n).ToArray());
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"mq_receive {Name}: {n} bytes, priority {priority}");
        return message;
    }

    /// <summary>An absolute CLOCK_REALTIME deadline (Unix time), as mq_timedsend and mq_timedreceive take it.</summary>
    private static timespec Deadline(int ms)
    {
        long t = DateTimeOffset.UtcNow.AddMilliseconds(ms).ToUnixTimeMilliseconds();
        return new timespec { tv_sec = (time_t)(t / 1000), tv_nsec = (long_t)(t % 1000 * 1_000_000) };
    }

    /// <summary>mq_getattr.</summary>
    public PosixMessageQueueAttributes Attributes()
    {
        MqAttr a;
        if (mq_getattr(Fd, &a) == -1) throw Explain.Failure(NativeCall.MqGetAttr, Marshal.GetLastPInvokeError(), Name);
        return new PosixMessageQueueAttributes(a.MaxMessages, a.MessageSize, a.CurrentMessages);
    }

    private string Describe()
    {
        var a = Attributes();
        return $"it holds {a.CurrentMessages} of {a.MaxMessages} message(s)";
    }

    /// <summary>poll(2) on the queue: a POSIX queue is a descriptor, so it can wait in poll, select or epoll
    /// next to pipes and sockets — which a System V queue (an id, not a descriptor) cannot. True when a message
    /// is waiting (POLLIN) before the timeout ends.</summary>
    public bool Poll(TimeSpan timeout)
    {
        bool readable = (Sys.PollOne(Fd, LibC.POLLIN, Lab.ToMilliseconds(timeout)) & LibC.POLLIN) != 0;
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Note, $"poll {Name}: {(readable ? "a message is waiting" : "nothing before the timeout")}");
        return readable;
    }

    /// <summary>mq_notify with SIGEV_THREAD: asks the kernel to tell this process once when a message arrives in
    /// this queue while it is empty (and nobody waits in mq_receive). One process per queue may be registered;
    /// the registration is used up by the notification. <see cref="PosixNotification.Wait"/> waits for it, with a
    /// timeout; disposing the notification before it came cancels it (mq_notify(NULL)).</summary>
    public PosixNotification Notify()
    {
        var notification = new PosixNotification(this);
        var ev = new SigEvent { Value = notification.Token, Notify = SIGEV_THREAD, Function = &PosixNotification.Fired };
        if (mq_notify(Fd, &ev) == -1)
        {
            int e = Marshal.GetLastPInvokeError();
            notification.Forget();
            throw Explain.Failure(NativeCall.MqNotify, e, Name);
        }
        EventTrace.Record(TraceKind.Note, $"mq_notify {Name}: registered");
        return notification;
    }

    internal void CancelNotify()
    {
        if (_fd >= 0) mq_notify(_fd, null);
    }

    /// <summary>mq_unlink: removes the name now; processes that have the queue open keep using it until they close it.</summary>
    public void Unlink()
    {
        fixed (byte* p = Sys.CString(Name))
            if (mq_unlink(p) == -1) throw Explain.Failure(NativeCall.MqUnlink, Marshal.GetLastPInvokeError(), Name);
        _unlinked = true;
        if (_owner) ObjectRegistry.Remove("posixmq", Name[1..]);
    }

    /// <summary>A child gets the name and opens the queue itself.</summary>
    public ChildTransfer PrepareTransfer() => new([], Name);

    static PosixMessageQueue IChildTransferable<PosixMessageQueue>.FromTransfer(int[] fds, string state) => Open(state);

    public void Dispose()
    {
        int fd = _fd;
        _fd = -1;
        if (fd < 0) return;
        mq_close(fd);
        if (!_owner || _unlinked) return;
        fixed (byte* p = Sys.CString(Name))
            mq_unlink(p);
        ObjectRegistry.Remove("posixmq", Name[1..]);
    }

    public override string ToString() => _fd < 0 ? $"{Name} (closed)" : $"POSIX message queue {Name}: {Describe()}";
}

/// <summary>One mq_notify registration (<see cref="PosixMessageQueue.Notify"/>): glibc calls <see cref="Fired"/> on a
/// thread of its own when the kernel notifies; <see cref="Wait"/> waits for that, with a timeout.</summary>
public sealed class PosixNotification : IDisposable
{
    // The kernel passes back sigev_value, not a managed object: a number that finds the registration.
    private static readonly ConcurrentDictionary<nint, PosixNotification> Pending = new();
    private static long _next;

    private readonly PosixMessageQueue _queue;
    private readonly ManualResetEventSlim _fired = new();

    internal PosixNotification(PosixMessageQueue queue)
    {
        _queue = queue;
        Token = (nint)Interlocked.Increment(ref _next);
        Pending[Token] = this;
    }

    internal nint Token { get; }

    /// <summary>Whether the notification came.</summary>
    public bool HasFired => _fired.IsSet;

    [UnmanagedCallersOnly]
    internal static void Fired(nint token)
    {
        if (!Pending.TryRemove(token, out var n)) return;
        EventTrace.Record(TraceKind.Woke, $"mq_notify {n._queue.Name}: a message arrived in the empty queue");
        n._fired.Set();
    }

    /// <summary>Waits until the notification came, for at most the timeout.</summary>
    public void Wait(TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        if (_fired.Wait(ms)) return;
        throw new WaitTimeoutException($"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s for mq_notify on {_queue.Name}, but no notification came. " +
            "The kernel notifies only when a message arrives in an EMPTY queue while no process waits in mq_receive: was the queue empty when the sender sent, and did someone send?");
    }

    internal void Forget() => Pending.TryRemove(Token, out _);

    public void Dispose()
    {
        if (Pending.TryRemove(Token, out _)) _queue.CancelNotify();
        _fired.Dispose();
    }
}
