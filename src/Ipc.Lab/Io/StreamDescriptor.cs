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

    /// <summary>Set for a FIFO read end opened before any writer (Fifo.OpenRead does not wait for one): until a
    /// writer opens, read(2) returns end of file at once, so the first read polls instead, which waits for data —
    /// Linux reports no hang-up on a FIFO until a writer has opened and closed it since this open.</summary>
    private protected bool AwaitFirstWriter { get; set; }
    // "read on pipe read end (fd 5), waiting for data to arrive": built once, named by Activity while blocked.
    private string? _readWait, _writeWait;

    /// <summary>Whether this call can be one blocking read(2) or write(2), as in C, with the watchdog of
    /// <see cref="BoundedCall"/> keeping its bound. Not with the trace on: only the no-wait-then-poll order can
    /// tell a call that blocked from one that did not (the trace's Blocked and Woke events). Not for timeouts
    /// shorter than the watchdog can keep exactly.</summary>
    private bool Direct(int ms) => !EventTrace.Enabled && ms >= BoundedCall.ShortestTimeoutMs && BoundedCall.Available;

    /// <summary>One read(2) of at most buffer.Length bytes. Returns 0 at end of file.</summary>
    protected int ReadOnce(Span<byte> buffer, TimeSpan? timeout)
    {
        int fd = Fd;
        if (buffer.Length == 0) return 0;
        int ms = Lab.ToMilliseconds(timeout);
        if (AwaitFirstWriter && !NonBlocking)
        {
            WaitFor(fd, POLLIN, ms, NativeCall.Read, "a writer to open the FIFO and write");
            AwaitFirstWriter = false;
        }
        if (Direct(ms))
        {
            // One system call, as in C, whether data is there or not.
            long got = BoundedCall.Read(fd, buffer, BoundedCall.Deadline.In(ms),
                _readWait ??= $"{NativeCall.Read} on {Description} (fd {fd}), waiting for data to arrive", out int error);
            if (got >= 0) return (int)got;
            if (got == BoundedCall.TimedOut) throw TimedOut(fd, NativeCall.Read, "data to arrive", ms);
            throw Explain.Failure(NativeCall.Read, error, Description);
        }
        // With data there (or at end of file) this is the one and only system call, as in C.
        int n = _pollFirst ? Sys.NoWaitUnsupported : Sys.ReadNoWait(fd, buffer, Description);
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
        var deadline = BoundedCall.Deadline.In(ms);
        int total = 0;
        if (Direct(ms))
        {
            // One blocking write(2), as in C: the kernel itself waits for room as often as it must. Interrupted
            // at the deadline it returns what it wrote; a write of at most PIPE_BUF bytes stays all or nothing.
            while (total < data.Length)
            {
                long n = BoundedCall.Write(fd, data[total..], deadline,
                    _writeWait ??= $"{NativeCall.Write} on {Description} (fd {fd}), waiting for room in the buffer", out int error);
                if (n == BoundedCall.TimedOut)
                    throw TimedOut(fd, NativeCall.Write, total == 0 ? "room in the buffer" : $"room for the last {data.Length - total} bytes ({total} written)", ms);
                if (n < 0)
                {
                    // O_NONBLOCK (shared with every holder of the open file) makes write(2) return at once.
                    if (error == EAGAIN && total > 0) return total;
                    throw Explain.Failure(NativeCall.Write, error, Description);
                }
                total += (int)n;
                if (total < data.Length && NonBlocking) return total;
            }
            return total;
        }
        while (total < data.Length)
        {
            var rest = data[total..];
            int n = _pollFirst ? Sys.NoWaitUnsupported : Sys.WriteNoWait(fd, rest, Description);
            if (n == Sys.NoWaitUnsupported)
            {
                _pollFirst = true;
                return total + WritePolled(fd, rest, deadline.End);
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
            WaitFor(fd, POLLOUT, (int)Math.Max(1, deadline.End - Environment.TickCount64), NativeCall.Write,
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
    private void WaitFor(int fd, short events, int ms, NativeCall call, string what)
    {
        string doing = $"{call} on {Description} (fd {fd}), waiting for {what}";
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Blocked, $"blocked in {call} on {Description} (fd {fd})", fd);
        short ready;
        using (Activity.Begin(doing))
            ready = Sys.PollOne(fd, events, ms);
        if (ready == 0) throw TimedOut(fd, call, what, ms);
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Woke, $"woke in {call} on {Description} (fd {fd})", fd);
    }

    private WaitTimeoutException TimedOut(int fd, NativeCall call, string what, int ms)
    {
        string why = ExplainWait(call == NativeCall.Write);
        return new WaitTimeoutException(
            $"{Process()} {call} on the {Description} (fd {fd}) waited {ms / 1000.0:0.###} s for {what}, and it never came.{(why.Length > 0 ? " " + why : "")}");
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
