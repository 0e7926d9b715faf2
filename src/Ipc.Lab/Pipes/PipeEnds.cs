using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Pipes;

/// <summary>The end of a pipe (or FIFO) that is read: fd[0] in C.</summary>
public sealed class PipeReadEnd : StreamDescriptor, IChildTransferable<PipeReadEnd>
{
    internal PipeReadEnd(int fd, string description = "pipe read end", bool awaitFirstWriter = false) : base(fd, description) =>
        AwaitFirstWriter = awaitFirstWriter;

    /// <summary>One read(2): at most buffer.Length bytes, maybe fewer (a pipe is a byte stream, not a
    /// sequence of messages). Returns 0 at end of file: every write end is closed and the pipe is empty.
    /// Waits at most <paramref name="timeout"/> (default <see cref="Lab.DefaultTimeout"/>) for data.</summary>
    public int Read(Span<byte> buffer, TimeSpan? timeout = null) => ReadOnce(buffer, timeout);

    /// <summary>One read(2) of at most <paramref name="max"/> bytes; an empty array at end of file.</summary>
    public byte[] Read(int max, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var buffer = new byte[max];
        int n = ReadOnce(buffer, timeout);
        return buffer[..n];
    }

    /// <summary>One read(2) of at most <paramref name="max"/> bytes, as text up to the first NUL byte — what
    /// C's printf("%s", buf) would print.</summary>
    public string ReadString(int max, TimeSpan? timeout = null) => AsCString(Read(max, timeout));

    /// <summary>Reads until exactly <paramref name="count"/> bytes arrived (several read(2) calls if needed);
    /// fails if end of file comes first.</summary>
    public byte[] ReadExactly(int count, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var buffer = new byte[count];
        ReadExactly(buffer, timeout);
        return buffer;
    }

    /// <summary>Fills <paramref name="buffer"/> whole, as <see cref="ReadExactly(int, TimeSpan?)"/> does, into memory
    /// the caller owns: a measuring loop allocates nothing per message.</summary>
    public void ReadExactly(Span<byte> buffer, TimeSpan? timeout = null)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = ReadOnce(buffer[got..], timeout);
            if (n == 0) throw new EndOfStreamException($"The {Description} reached end of file after {got} of {buffer.Length} bytes: every write end was closed.");
            got += n;
        }
    }

    /// <summary>Reads until end of file (every write end closed), as UTF-8 text.</summary>
    public string ReadToEnd(TimeSpan? timeout = null)
    {
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = ReadOnce(buffer, timeout)) > 0) all.Write(buffer, 0, n);
        return System.Text.Encoding.UTF8.GetString(all.ToArray());
    }

    /// <summary>How many bytes are in the pipe now, waiting to be read (ioctl FIONREAD).</summary>
    public int BytesAvailable => Sys.BytesAvailable(Fd);

    /// <summary>The pipe's capacity in bytes (F_GETPIPE_SZ / F_SETPIPE_SZ).</summary>
    public int Capacity
    {
        get => PipeCapacity.Get(Fd);
        set => PipeCapacity.Set(Fd, value);
    }

    protected override string ExplainWait(bool forWrite) => PipeHolders.ExplainNoData(Fd, Description);

    /// <summary>The child's copy shares this open file, so it keeps this end's name and, for a FIFO read end no
    /// writer has opened yet, the wait for one on its first read (else the child would read end of file at once).</summary>
    public ChildTransfer PrepareTransfer() => new([this], $"{(AwaitFirstWriter ? 1 : 0)}|{Description}");

    static PipeReadEnd IChildTransferable<PipeReadEnd>.FromTransfer(int[] fds, string state) =>
        state.Split('|', 2) is [var wait, var description]
            ? new PipeReadEnd(fds[0], description, awaitFirstWriter: wait == "1")
            : new PipeReadEnd(fds[0]);
}

/// <summary>The end of a pipe (or FIFO) that is written: fd[1] in C.</summary>
public sealed class PipeWriteEnd : StreamDescriptor, IChildTransferable<PipeWriteEnd>
{
    internal PipeWriteEnd(int fd, string description = "pipe write end") : base(fd, description) { }

    /// <summary>write(2) of all of data: blocks while the pipe is full, at most <paramref name="timeout"/>.
    /// Returns the number of bytes written. With no reader left it fails with EPIPE.</summary>
    public int Write(ReadOnlySpan<byte> data, TimeSpan? timeout = null) => WriteAll(data, timeout);

    /// <summary>Writes the text as UTF-8 bytes. C's write(fd, "Hello", 6) also sends the NUL byte: write
    /// "Hello\0" to do the same.</summary>
    public int Write(string text, TimeSpan? timeout = null) => WriteAll(Utf8(text), timeout);

    public int Capacity
    {
        get => PipeCapacity.Get(Fd);
        set => PipeCapacity.Set(Fd, value);
    }

    protected override int RoomWithoutBlocking(int fd)
    {
        // The kernel keeps a pipe as a ring of page-sized slots, and POLLOUT promises one free slot, no more.
        // The bytes free say little about the slots free: a 3000-byte write cannot share a page with the next
        // one, so sixteen of them fill a 64 KiB pipe with 48,000 bytes, and a write sized by "bytes free" then
        // blocks in write(2) past any timeout. Only an empty pipe is known to have all its slots free.
        return Sys.BytesAvailable(fd) == 0 ? PipeCapacity.Get(fd) : 4096;
    }

    protected override string ExplainWait(bool forWrite) =>
        $"The pipe is full ({PipeCapacity.Get(Fd)} bytes) and nobody reads it. A writer blocks until a reader makes room.";

    public ChildTransfer PrepareTransfer() => new([this], Description);

    static PipeWriteEnd IChildTransferable<PipeWriteEnd>.FromTransfer(int[] fds, string state) => new PipeWriteEnd(fds[0], state.Length > 0 ? state : "pipe write end");
}

internal static class PipeCapacity
{
    public static int Get(int fd) => Sys.Fcntl(fd, F_GETPIPE_SZ, 0, NativeCall.FcntlGetPipeSize);

    public static void Set(int fd, int bytes)
    {
        if (bytes <= 0) throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "A pipe's capacity must be positive; the kernel rounds it up to a power-of-two number of pages.");
        Sys.Fcntl(fd, F_SETPIPE_SZ, bytes, NativeCall.FcntlSetPipeSize);
    }
}
