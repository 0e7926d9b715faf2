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

    /// <summary>One read(2) of at most buffer.Length bytes. Returns 0 at end of file.</summary>
    protected int ReadOnce(Span<byte> buffer, TimeSpan? timeout)
    {
        int fd = Fd;
        if (buffer.Length == 0) return 0;
        // O_NONBLOCK (F_GETFL, a syscall: the flag is shared with other processes, so it is never cached)
        // only changes what happens when there is no data yet; with data there, read(2) cannot block.
        if (Sys.PollOne(fd, POLLIN, 0) == 0 && !NonBlocking)
            WaitFor(fd, POLLIN, timeout, "read", "data to arrive", notReady: true);
        int n = Sys.Read(fd, buffer, Description);
        if (EventTrace.Enabled)
        {
            if (n == 0) EventTrace.Record(TraceKind.EndOfFile, $"read on {Description} (fd {fd}) returned 0: end of file", fd, 0);
            else EventTrace.Record(TraceKind.Read, $"read {n} bytes from {Description} (fd {fd})", fd, n);
        }
        return n;
    }

    /// <summary>Writes all of data (as a blocking write(2) would), in pieces that never block past the timeout.
    /// A write of at most PIPE_BUF (4096) bytes is one write(2) and stays atomic.</summary>
    protected int WriteAll(ReadOnlySpan<byte> data, TimeSpan? timeout)
    {
        int fd = Fd;
        int total = 0;
        // A write of at most PIPE_BUF with room for it is one write(2) that cannot block, O_NONBLOCK or not,
        // so F_GETFL is asked only when the answer could change what happens. A bad timeout takes the long
        // way, which rejects it as it always did.
        if (data.Length > 0 && data.Length <= PipeBuf && (timeout is null || timeout > TimeSpan.Zero)
            && Sys.PollOne(fd, POLLOUT, 0) != 0)
        {
            total = Sys.Write(fd, data, Description);
            RecordWrite(fd, total);
            if (total == data.Length) return total;
        }
        if (NonBlocking)
        {
            if (total > 0) return total;
            int once = Sys.Write(fd, data, Description);
            RecordWrite(fd, once);
            return once;
        }
        long deadline = Environment.TickCount64 + Lab.ToMilliseconds(timeout);
        while (total < data.Length)
        {
            var rest = data[total..];
            var remaining = TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64));
            WaitFor(fd, POLLOUT, remaining, "write", total == 0 ? "room in the buffer" : $"room for the last {rest.Length} bytes ({total} written)");
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

    private void WaitFor(int fd, short events, TimeSpan? timeout, string call, string what, bool notReady = false)
    {
        short ready = notReady ? (short)0 : Sys.PollOne(fd, events, 0);
        if (ready != 0) return;
        int ms = Lab.ToMilliseconds(timeout);
        string doing = $"{call} on {Description} (fd {fd}), waiting for {what}";
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Blocked, $"blocked in {call} on {Description} (fd {fd})", fd);
        using (Activity.Begin(doing))
            ready = Sys.PollOne(fd, events, ms);
        if (ready == 0)
        {
            string why = ExplainWait(call == "write");
            throw new WaitTimeoutException(
                $"{Process()} {call} on the {Description} (fd {fd}) waited {ms / 1000.0:0.###} s for {what}, and it never came.{(why.Length > 0 ? " " + why : "")}");
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
