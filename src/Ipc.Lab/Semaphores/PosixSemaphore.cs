using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Ipc.Lab.Native.PosixIpcCalls;

namespace Ipc.Lab.Semaphores;

/// <summary>A POSIX named semaphore (sem_open; a file /dev/shm/sem.NAME): one counter that unrelated
/// processes open by name. DOWN is sem_timedwait — always with a timeout — and UP is sem_post. The creator
/// owns the name and sem_unlinks it when disposed (or its guardian does, if it is killed).</summary>
public sealed unsafe class PosixSemaphore : IDisposable, IChildTransferable<PosixSemaphore>
{
    private readonly bool _owner;
    private void* _handle;

    private PosixSemaphore(string name, void* handle, bool owner)
    {
        Name = name;
        _handle = handle;
        _owner = owner;
    }

    /// <summary>The name as the kernel knows it ("/ipc-lab-UID-PID-name").</summary>
    public string Name { get; }

    /// <summary>sem_open(O_CREAT | O_EXCL, 0600, value).</summary>
    public static PosixSemaphore Create(string name, int initialValue = 0)
    {
        if (initialValue < 0) throw new ArgumentOutOfRangeException(nameof(initialValue), initialValue, "A semaphore starts at 0 or more.");
        var full = KernelNames.Posix(name);
        var handle = SemOpen(full, Tmds.Linux.LibC.O_CREAT | Tmds.Linux.LibC.O_EXCL, (uint)initialValue, NativeCall.SemOpenExclusive);
        ObjectRegistry.Add("posixsem", full[1..]);
        EventTrace.Record(TraceKind.Note, $"sem_open {full} = {initialValue}");
        return new PosixSemaphore(full, handle, owner: true);
    }

    /// <summary>Opens an existing semaphore by its full name; disposing it does not remove it.</summary>
    public static PosixSemaphore Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new PosixSemaphore(name, SemOpen(name, 0, 0, NativeCall.SemOpen), owner: false);
    }

    private static void* SemOpen(string name, int flags, uint value, NativeCall call)
    {
        fixed (byte* p = Sys.CString(name))
        {
            void* s = sem_open(p, flags, 0b110_000_000, value);
            if (s == null) throw Explain.Failure(call, Marshal.GetLastPInvokeError(), name);
            return s;
        }
    }

    private void* Handle => _handle != null ? _handle : throw new ObjectDisposedException(Name, $"The semaphore {Name} was closed: it cannot be used any more.");

    /// <summary>DOWN (P): waits until the value is above 0 and takes one, for at most the timeout.</summary>
    public void Down(TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        // sem_timedwait takes an absolute CLOCK_REALTIME deadline, which is Unix time.
        long ticks = DateTimeOffset.UtcNow.AddMilliseconds(ms).ToUnixTimeMilliseconds();
        var deadline = new timespec { tv_sec = (time_t)(ticks / 1000), tv_nsec = (long_t)(ticks % 1000 * 1_000_000) };
        while (sem_timedwait(Handle, &deadline) == -1)
        {
            int e = Marshal.GetLastPInvokeError();
            if (e == Errno.EINTR) continue;
            if (e == Errno.ETIMEDOUT)
                throw new WaitTimeoutException($"{EventTrace.ProcessName} (pid {Environment.ProcessId}) waited {ms / 1000.0:0.###} s to DOWN {Name}, but its value stayed 0: nobody did UP (sem_post) in that time.");
            throw Explain.Failure(NativeCall.SemTimedWait, e, Name);
        }
    }

    /// <summary>UP (V): sem_post.</summary>
    public void Up()
    {
        if (sem_post(Handle) == -1) throw Explain.Failure(NativeCall.SemPost, Marshal.GetLastPInvokeError(), Name);
    }

    /// <summary>sem_getvalue.</summary>
    public int Value
    {
        get
        {
            int v;
            if (sem_getvalue(Handle, &v) == -1) throw Explain.Failure(NativeCall.SemGetValue, Marshal.GetLastPInvokeError(), Name);
            return v;
        }
    }

    /// <summary>A child gets the name and opens the semaphore itself.</summary>
    public ChildTransfer PrepareTransfer() => new([], Name);

    static PosixSemaphore IChildTransferable<PosixSemaphore>.FromTransfer(int[] fds, string state) => Open(state);

    public void Dispose()
    {
        var h = _handle;
        _handle = null;
        if (h == null) return;
        sem_close(h);
        if (!_owner) return;
        fixed (byte* p = Sys.CString(Name))
            sem_unlink(p);
        ObjectRegistry.Remove("posixsem", Name[1..]);
    }

    public override string ToString() => _handle == null ? $"{Name} (closed)" : $"POSIX semaphore {Name} = {Value}";
}
