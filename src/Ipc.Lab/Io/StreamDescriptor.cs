using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Io;

/// <summary>A descriptor that carries a byte stream (pipe ends, FIFO ends, stream sockets). Reads and writes
/// are the kernel's own — one read(2) may return fewer bytes than asked — but every wait is bounded: a call
/// that would block waits at most its timeout, then fails saying what it waited for.</summary>
public abstract class StreamDescriptor : FileDescriptor
{
    private const int PipeBuf = 4096;

    protected StreamDescriptor(int number, string description) : base(number, description) { }

    /// <summary>Why a wait on this descriptor may never end, for the timeout message (who holds the other end).</summary>
    protected virtual string ExplainWait(bool forWrite) => "";

    // Set when this kernel refuses RWF_NOWAIT for this kind of file: then every call polls first.
    private bool _pollFirst;
    private bool _lastReadWaited;

    /// <summary>One read(2) of at most buffer.Length bytes. Returns 0 at end of file.</summary>
    protected int ReadOnce(Span<byte> buffer, TimeSpan? timeout)
    {
        int fd = Fd;
        if (buffer.Length == 0) return 0;
        int ms = Lab.ToMilliseconds(timeout);
        // A reader that had to wait last time (ping-pong) will most likely wait again: poll first, then read —
        // two calls instead of a failed no-wait read, a poll and a read. With the trace on, the exact order is
        // kept instead, because only it can tell a read that blocked from one that did not.
        if (_lastReadWaited && !EventTrace.Enabled && !_pollFirst)
        {
            if (Sys.PollOne(fd, POLLIN, ms) == 0 && !NonBlocking)
                WaitFor(fd, POLLIN, 1, NativeCall.Read, "data to arrive", waited: ms);
        }
        // With data there (or at end of file) this is the one and only system call, as in C.
        int n = _pollFirst ? Sys.NoWaitUnsupported : Sys.ReadNoWait(fd, buffer, Description);
        _lastReadWaited = n == Sys.WouldBlock;
        if (n == Sys.NoWaitUnsupported)
        {
            _pollFirst = true;
            if (Sys.PollOne(fd, POLLIN, 0) == 0 && !NonBlocking)
                WaitFor(fd, POLLIN, ms, NativeCall.Read, "data to arrive");
            n = Sys.Read(fd, buffer, Description);
        }
        else if (n == Sys.WouldBlock)
        {
            // O_NONBLOCK is shared with every process holding this open file: asked only now, when it matters.
            if (NonBlocking) throw Explain.Failure(NativeCall.Read, Errno.EAGAIN, Description);
            long deadline = Environment.TickCount64 + ms;
            do WaitFor(fd, POLLIN, (int)Math.Max(1, deadline - Environment.TickCount64), NativeCall.Read, "data to arrive");
            while ((n = Sys.ReadNoWait(fd, buffer, Description)) == Sys.WouldBlock);
        }
        if (EventTrace.Enabled)
        {
            if (n == 0) EventTrace.Record(TraceKind.EndOfFile, $"read on {Description} (fd {fd}) returned 0: end of file", fd, 0);
            else EventTrace.Record(TraceKind.Read, $"read {n} bytes from {Description} (fd {fd})", fd, n);
        }
        return n;
    }

    /// <summary>Writes all of data, as a blocking write(2) would, but never blocks past the timeout: each piece
    /// is written without waiting (RWF_NOWAIT), and only when nothing fits does it wait for room. A write of at
    /// most PIPE_BUF (4096) bytes goes in whole or not at all, so it stays atomic.</summary>
    protected int WriteAll(ReadOnlySpan<byte> data, TimeSpan? timeout)
    {
        int fd = Fd;
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        int total = 0;
        while (total < data.Length)
        {
            var rest = data[total..];
            int n = _pollFirst ? Sys.NoWaitUnsupported : Sys.WriteNoWait(fd, rest, Description);
            if (n == Sys.NoWaitUnsupported)
            {
                _pollFirst = true;
                return total + WritePolled(fd, rest, deadline);
            }
            if (n >= 0)
            {
                RecordWrite(fd, n);
                total += n;
                continue;
            }
            if (NonBlocking)
            {
                if (total > 0) return total;
                throw Explain.Failure(NativeCall.Write, Errno.EAGAIN, Description);
            }
            WaitFor(fd, POLLOUT, (int)Math.Max(1, deadline - Environment.TickCount64), NativeCall.Write,
                total == 0 ? "room in the buffer" : $"room for the last {rest.Length} bytes ({total} written)");
        }
        return total;
    }

    /// <summary>The way without RWF_NOWAIT: poll for room, then write no more than surely fits.</summary>
    private int WritePolled(int fd, ReadOnlySpan<byte> data, long deadline)
    {
        if (NonBlocking)
        {
            int once = Sys.Write(fd, data, Description);
            RecordWrite(fd, once);
            return once;
        }
        int total = 0;
        while (total < data.Length)
        {
            var rest = data[total..];
            if (Sys.PollOne(fd, POLLOUT, 0) == 0)
                WaitFor(fd, POLLOUT, (int)Math.Max(1, deadline - Environment.TickCount64), NativeCall.Write,
                    total == 0 ? "room in the buffer" : $"room for the last {rest.Length} bytes ({total} written)");
            int chunk = rest.Length <= PipeBuf ? rest.Length : Math.Min(rest.Length, Math.Max(PipeBuf, RoomWithoutBlocking(fd)));
            int n = Sys.Write(fd, rest[..chunk], Description);
            RecordWrite(fd, n);
            total += n;
        }
        return total;
    }

    /// <summary>How many bytes a write can surely take now without blocking; PIPE_BUF when unknown.</summary>
    protected virtual int RoomWithoutBlocking(int fd) => PipeBuf;

    private void RecordWrite(int fd, int n)
    {
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Wrote, $"wrote {n} bytes to {Description} (fd {fd})", fd, n);
    }

    /// <summary>Waits, at most <paramref name="ms"/>, for the descriptor to become ready; the caller found it
    /// was not. Fails saying what waited for what, and why it may never come.</summary>
    private void WaitFor(int fd, short events, int ms, NativeCall call, string what, int waited = 0)
    {
        string doing = $"{call} on {Description} (fd {fd}), waiting for {what}";
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Blocked, $"blocked in {call} on {Description} (fd {fd})", fd);
        short ready;
        using (Activity.Begin(doing))
            ready = Sys.PollOne(fd, events, ms);
        if (ready == 0)
        {
            string why = ExplainWait(call == NativeCall.Write);
            throw new WaitTimeoutException(
                $"{Process()} {call} on the {Description} (fd {fd}) waited {(ms + waited) / 1000.0:0.###} s for {what}, and it never came.{(why.Length > 0 ? " " + why : "")}");
        }
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Woke, $"woke in {call} on {Description} (fd {fd})", fd);
    }

    private static string Process() => EventTrace.ProcessName == "parent" ? "The notebook's" : $"Child '{EventTrace.ProcessName}':";

    protected static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Decodes as C's printf("%s") would print: up to the first NUL byte.</summary>
    protected static string AsCString(ReadOnlySpan<byte> bytes)
    {
        int nul = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul >= 0 ? bytes[..nul] : bytes);
    }
}
