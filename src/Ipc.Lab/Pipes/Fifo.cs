using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Pipes;

/// <summary>A named pipe (mkfifo(3)): a pipe with a name in the file system, so that processes that are not
/// related — that were given nothing by a common parent — can open it by its path. Created with mode 0600 in
/// the run's private folder; removed when disposed (and by the guardian if this process is killed).</summary>
public sealed class Fifo : IDisposable, IReachedByName
{
    private const int Mode0600 = 0b110_000_000;

    private Fifo(string path) => Path = path;

    /// <summary>The FIFO's path: give this string to the other process.</summary>
    public string Path { get; }

    string IReachedByName.Name => Path;

    string IReachedByName.PassInstead => $"Pass its path, a string — Fork.Run(fifo.Path, path => {{ using var w = Fifo.OpenWrite(path); ... }}) — and open it in the child ({Path}).";

    public static Fifo Create(string name = "fifo")
    {
        var path = RunDirectory.NewPath(name);
        Sys.MkFifo(path, Mode0600);
        EventTrace.Record(TraceKind.Note, $"mkfifo {path}");
        return new Fifo(path);
    }

    public PipeReadEnd OpenRead(TimeSpan? timeout = null) => OpenRead(Path, timeout);

    public PipeWriteEnd OpenWrite(TimeSpan? timeout = null) => OpenWrite(Path, timeout);

    /// <summary>Opens a FIFO for reading. open(2) of a FIFO blocks until a writer opens it too; this open
    /// does not (a reader may open first), and the first read then waits for data as on any pipe — where a
    /// read(2) alone would return end of file at once while no writer has opened yet.</summary>
    public static PipeReadEnd OpenRead(string path, TimeSpan? timeout = null)
    {
        int fd = Sys.Open(path, O_RDONLY | O_NONBLOCK, NativeCall.OpenFifo);
        Sys.SetNonBlocking(fd, false);
        return new PipeReadEnd(fd, "FIFO read end", awaitFirstWriter: true);
    }

    /// <summary>Opens a FIFO for writing: waits, at most the timeout, until some process has it open for
    /// reading — as a blocking open(2) would, but bounded.</summary>
    public static PipeWriteEnd OpenWrite(string path, TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        using var _ = Activity.Begin($"open of FIFO {path} for writing, waiting for a reader");
        while (true)
        {
            try
            {
                int fd = Sys.Open(path, O_WRONLY | O_NONBLOCK, NativeCall.OpenFifo);
                Sys.SetNonBlocking(fd, false);
                return new PipeWriteEnd(fd, "FIFO write end");
            }
            catch (SyscallException e) when (e.Errno == Errno.ENXIO)
            {
                if (Environment.TickCount64 >= deadline)
                    throw new WaitTimeoutException($"Opening the FIFO {path} for writing waited {ms / 1000.0:0.###} s for a reader, and no process opened it for reading.");
                Thread.Sleep(2);
            }
        }
    }

    public PipeWriteEnd OpenWriteNonBlocking() => OpenWriteNonBlocking(Path);

    /// <summary>open(path, O_WRONLY | O_NONBLOCK), once, as C would: with no reader it fails at once with ENXIO
    /// (where a blocking open would wait); with one, the write end it returns stays non-blocking, so a write
    /// into a full FIFO fails with EAGAIN.</summary>
    public static PipeWriteEnd OpenWriteNonBlocking(string path)
    {
        int fd = Sys.Open(path, O_WRONLY | O_NONBLOCK, NativeCall.OpenFifo);
        EventTrace.Record(TraceKind.Note, $"open {path} (O_WRONLY | O_NONBLOCK)");
        return new PipeWriteEnd(fd, "FIFO write end");
    }

    public void Dispose() => Sys.Unlink(Path);

    public override string ToString() => $"FIFO {Path}";
}
