using Ipc.Lab.Io;
using Ipc.Lab.Native;

namespace Ipc.Lab.Sockets;

/// <summary>A descriptor that arrived over a Unix socket (SCM_RIGHTS): a new number in this process for an open
/// file of the sender — the same pipe, FIFO or socket. Read or write it as the stream it is.</summary>
public sealed class ReceivedDescriptor : StreamDescriptor
{
    internal ReceivedDescriptor(int fd) : base(fd, "received descriptor") { }

    /// <summary>What the kernel says this descriptor is (/proc/self/fd/N): "pipe:[123]", "socket:[456]", a path.</summary>
    public string Target => ProcDescriptors.Target(Environment.ProcessId, Fd) ?? "?";

    /// <summary>write(2) of the text as UTF-8, bounded by the timeout.</summary>
    public int Write(string text, TimeSpan? timeout = null) => WriteAll(Utf8(text), timeout);

    /// <summary>One read(2), as text up to the first NUL.</summary>
    public string ReadString(int max = 1024, TimeSpan? timeout = null)
    {
        var buffer = new byte[max];
        int n = ReadOnce(buffer, timeout);
        return AsCString(buffer.AsSpan(0, n));
    }

    public override string ToString() => $"received descriptor fd {Number} → {Target}";
}
