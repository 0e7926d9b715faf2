using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;

namespace Ipc.Lab.Io;

/// <summary>An open file descriptor of this process: a number that names a kernel object (a pipe end, a
/// FIFO, a socket...). Closing it is explicit, as in C; there is no finalizer, because closing a number
/// that has since been reused would close someone else's descriptor.</summary>
public class FileDescriptor : IDisposable
{
    private int _number;

    protected internal FileDescriptor(int number, string description)
    {
        if (number < 0) throw new ArgumentOutOfRangeException(nameof(number), number, "A file descriptor is never negative.");
        _number = number;
        Description = description;
    }

    /// <summary>The descriptor number, as C would see it (3, 4, ...). -1 once closed.</summary>
    public int Number => _number;

    /// <summary>What this descriptor is, in words ("pipe read end").</summary>
    public string Description { get; }

    public bool IsClosed => _number < 0;

    /// <summary>The number, for a system call; a clear error if the descriptor was closed already.</summary>
    internal int Fd => _number >= 0 ? _number
        : throw new ObjectDisposedException(Description,
            $"The {Description} is closed: it cannot be used any more. Close a descriptor only when you are done with it.");

    /// <summary>close(2). Closing twice is an error, as in C (EBADF), so the mistake is seen.</summary>
    public void Close()
    {
        int fd = _number;
        if (fd < 0)
            throw new SyscallException(NativeCall.Close, Errno.EBADF, $"the {Description} was closed already", "close each descriptor exactly once");
        _number = -1;
        try { Sys.Close(fd, Description); }
        finally { OnClosed(); }
        EventTrace.Record(TraceKind.Closed, $"closed {Description} (fd {fd})", fd);
    }

    /// <summary>Runs once the descriptor is closed (by Close or Dispose): what goes with it, like a Unix socket's
    /// file, goes now. Must not throw.</summary>
    protected virtual void OnClosed() { }

    /// <summary>Closes the descriptor if it is still open; never throws.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _number, -1);
        if (fd >= 0)
        {
            Tmds.Linux.LibC.close(fd);
            OnClosed();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>O_NONBLOCK: a call that would block fails with EAGAIN instead. Note that the flag belongs to
    /// the open file description, so a child holding a copy of this descriptor sees it too.</summary>
    public bool NonBlocking
    {
        get => Sys.IsNonBlocking(Fd);
        set => Sys.SetNonBlocking(Fd, value);
    }

    public override string ToString() => IsClosed ? $"{Description} (closed)" : $"{Description} (fd {_number})";
}
