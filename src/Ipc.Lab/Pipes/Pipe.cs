using Ipc.Lab.Io;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Pipes;

/// <summary>An anonymous pipe: pipe2(fds, O_CLOEXEC). Bytes written to <see cref="WriteEnd"/> come out of
/// <see cref="ReadEnd"/>, in order, once. Give it (or one end) to Fork.Run, and the child gets the same pipe.</summary>
public sealed class Pipe : IDisposable, IChildTransferable<Pipe>
{
    private Pipe(PipeReadEnd read, PipeWriteEnd write)
    {
        ReadEnd = read;
        WriteEnd = write;
    }

    /// <summary>fd[0]: the end to read from.</summary>
    public PipeReadEnd ReadEnd { get; }

    /// <summary>fd[1]: the end to write to.</summary>
    public PipeWriteEnd WriteEnd { get; }

    /// <summary>Creates a pipe. Its descriptors are close-on-exec, so no program started later inherits them
    /// unless it is given them on purpose.</summary>
    public static Pipe Create(int? capacity = null)
    {
        var (r, w) = Sys.Pipe2(O_CLOEXEC);
        var pipe = new Pipe(new PipeReadEnd(r), new PipeWriteEnd(w));
        EventTrace.Record(TraceKind.Note, $"pipe2 → read end fd {r}, write end fd {w}");
        if (capacity is int c)
        {
            try { pipe.Capacity = c; }
            catch { pipe.Dispose(); throw; }
        }
        return pipe;
    }

    /// <summary>The pipe's capacity in bytes (65,536 by default on Linux).</summary>
    public int Capacity
    {
        get => PipeCapacity.Get(AnyOpenEnd());
        set => PipeCapacity.Set(AnyOpenEnd(), value);
    }

    /// <summary>How many bytes are in the pipe, written and not yet read.</summary>
    public int BytesInPipe => Sys.BytesAvailable(AnyOpenEnd());

    private int AnyOpenEnd() => !ReadEnd.IsClosed ? ReadEnd.Fd : WriteEnd.Fd;

    /// <summary>Both ends go to the child, at fd 3 (read) and fd 4 (write) — as a C child after fork() holds
    /// both until it closes the one it does not use.</summary>
    public ChildTransfer PrepareTransfer() => new([ReadEnd, WriteEnd]);

    static Pipe IChildTransferable<Pipe>.FromTransfer(int[] fds, string state) => new Pipe(new PipeReadEnd(fds[0]), new PipeWriteEnd(fds[1]));

    public void Dispose()
    {
        ReadEnd.Dispose();
        WriteEnd.Dispose();
    }

    public override string ToString() => $"pipe: {ReadEnd}, {WriteEnd}";
}
