using Ipc.Lab.Events;
using Ipc.Lab.MessageQueues;
using Ipc.Lab.Pipes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Signals;
using Ipc.Lab.Sockets;

namespace Ipc.Lab.Experiments;

/// <summary>One end of a conversation between two processes over one mechanism: send a message of a known
/// size, receive one. The comparison's loops (round trip, stream) are written once against this, in C# as in
/// notebooks/c/ipc_compare.c, so that every mechanism is timed by the same loop and only the calls differ.
/// Each end is built on the library's own wrapper, with its timeouts: what is measured is what a student's
/// code pays.</summary>
internal abstract class Link : IDisposable
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public abstract void Send(ReadOnlySpan<byte> message);

    /// <summary>Fills <paramref name="message"/> with one message of exactly its length.</summary>
    public abstract void Receive(Span<byte> message);

    public virtual void Dispose() { }
}

/// <summary>Two pipes (or two FIFOs opened by name): one each way; a pipe is a byte stream, so a receive loops
/// until the whole message is there. <paramref name="names"/>: the FIFOs, removed with the link (not before: the
/// other process may not have opened its end yet).</summary>
internal sealed class PipeLink(PipeReadEnd inbox, PipeWriteEnd outbox, params Fifo[] names) : Link
{
    public override void Send(ReadOnlySpan<byte> message) => outbox.Write(message, Wait);

    public override void Receive(Span<byte> message) => inbox.ReadExactly(message, Wait);

    public override void Dispose()
    {
        inbox.Dispose();
        outbox.Dispose();
        foreach (var fifo in names) fifo.Dispose();
    }
}

/// <summary>A connected socket: TCP or a Unix socketpair (a stream: receive loops), or UDP (one datagram per
/// message).</summary>
internal sealed class SocketLink(Socket socket) : Link
{
    private readonly bool _stream = socket.Type == SocketConstants.SOCK_STREAM;

    public override void Send(ReadOnlySpan<byte> message) => socket.Send(message, Wait);

    public override void Receive(Span<byte> message)
    {
        if (_stream) socket.RecvExactly(message, Wait);
        else socket.Recv(message, Wait);   // one datagram is one message
    }

    public override void Dispose() => socket.Dispose();
}

/// <summary>One System V queue both ways: a message of type <paramref name="sendType"/> out, of
/// <paramref name="receiveType"/> in (the parent sends 1 and takes 2; the child the other way round).</summary>
internal sealed class SysVLink(SysVMessageQueue queue, long sendType, long receiveType) : Link
{
    public override void Send(ReadOnlySpan<byte> message) => queue.Send(sendType, message.ToArray(), timeout: Wait);

    public override void Receive(Span<byte> message) =>
        queue.Receive(receiveType, maxSize: message.Length, timeout: Wait).Data.CopyTo(message);

    public override void Dispose() => queue.Dispose();
}

/// <summary>Two POSIX queues, one each way (a POSIX queue cannot pick a message by kind, so one queue both
/// ways would hand a process its own message back).</summary>
internal sealed class PosixQueueLink(PosixMessageQueue outbox, PosixMessageQueue inbox) : Link
{
    public override void Send(ReadOnlySpan<byte> message) => outbox.Send(message.ToArray(), timeout: Wait);

    public override void Receive(Span<byte> message) => inbox.Receive(Wait).Data.CopyTo(message);

    public override void Dispose()
    {
        outbox.Dispose();
        inbox.Dispose();
    }
}

/// <summary>Shared memory and semaphores: each direction is a ring of <see cref="Slots"/> slots guarded by two
/// counting semaphores (empty slots, full slots) — the bounded buffer. A message is copied into a slot and out
/// of it: two copies, no system call but the semaphores' (a futex, only when someone must wait).</summary>
internal sealed class SharedRingLink : Link
{
    public const int Slots = 16;
    public const int SlotSize = 8192;
    private readonly SharedRegion _region;
    private readonly long _outBase, _inBase;
    private readonly PosixSemaphore _outEmpty, _outFull, _inEmpty, _inFull;
    private readonly PosixSemaphore[] _all;
    private long _sent, _received;

    /// <summary>The region holds two rings: ring 0 carries parent → child, ring 1 child → parent.
    /// <paramref name="semaphores"/>: empty and full of ring 0, then of ring 1.</summary>
    public SharedRingLink(SharedRegion region, PosixSemaphore[] semaphores, bool parent)
    {
        _region = region;
        _all = semaphores;
        int o = parent ? 0 : 1, i = 1 - o;
        (_outBase, _outEmpty, _outFull) = ((long)o * Slots * SlotSize, semaphores[2 * o], semaphores[2 * o + 1]);
        (_inBase, _inEmpty, _inFull) = ((long)i * Slots * SlotSize, semaphores[2 * i], semaphores[2 * i + 1]);
    }

    public static long RegionSize => 2L * Slots * SlotSize;

    public override void Send(ReadOnlySpan<byte> message)
    {
        _outEmpty.Down(Wait);
        _region.Write(_outBase + _sent++ % Slots * SlotSize, message);
        _outFull.Up();
    }

    public override void Receive(Span<byte> message)
    {
        _inFull.Down(Wait);
        _region.Read(_inBase + _received++ % Slots * SlotSize, message);
        _inEmpty.Up();
    }

    public override void Dispose()
    {
        foreach (var s in _all) s.Dispose();
        _region.Dispose();
    }
}

/// <summary>A real-time signal with a value (sigqueue; here rt_tgsigqueueinfo, aimed at the peer's waiting
/// thread, because a .NET process has many threads and any of them that does not block the signal would take
/// it). The message is the value: 4 bytes. The receiving thread blocks the signal and takes it with
/// sigtimedwait.</summary>
internal sealed class SignalLink(int peerPid, int peerTid) : Link
{
    public static readonly Signal Carrier = Signal.SIGRTMIN + 2;
    private static readonly Signal[] Set = [Carrier];

    public override void Send(ReadOnlySpan<byte> message) =>
        Posix.RtTgSigQueueInfo(peerPid, peerTid, Carrier, BitConverter.ToInt32(message[..4]));

    public override void Receive(Span<byte> message)
    {
        var info = Posix.SigTimedWait(Set, Wait)
            ?? throw new TimeoutException($"no {SignalNames.Describe((int)Carrier)} arrived in {Wait.TotalSeconds:0} s from pid {peerPid}");
        BitConverter.TryWriteBytes(message[..4], info.Value);
    }
}

/// <summary>Two eventfds, one each way: a message is a count of 8 bytes (added by write, taken by read).</summary>
internal sealed class EventFdLink(EventFd outbox, EventFd inbox) : Link
{
    public override void Send(ReadOnlySpan<byte> message) => outbox.Write(Math.Max(1UL, BitConverter.ToUInt64(message[..8])), Wait);

    public override void Receive(Span<byte> message) => BitConverter.TryWriteBytes(message[..8], inbox.Read(Wait));

    public override void Dispose()
    {
        outbox.Dispose();
        inbox.Dispose();
    }
}
