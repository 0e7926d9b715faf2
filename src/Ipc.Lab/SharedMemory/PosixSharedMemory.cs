using System.Runtime.InteropServices;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.SharedMemory;

/// <summary>POSIX shared memory: shm_open by name (a file in /dev/shm), ftruncate to size, mmap. Unrelated
/// processes reach it by its name. The creator owns it: disposing it unmaps and shm_unlinks the name; a
/// process that opened it only unmaps. Names carry our uid and pid (see <see cref="KernelNames"/>).</summary>
public sealed unsafe class PosixSharedMemory : SharedRegion, IChildTransferable<PosixSharedMemory>
{
    private readonly bool _owner;

    private PosixSharedMemory(string name, byte* address, long size, bool owner) : base(address, size)
    {
        Name = name;
        _owner = owner;
    }

    /// <summary>The name as the kernel knows it ("/ipc-lab-UID-PID-name"); /dev/shm shows it without the '/'.</summary>
    public string Name { get; }

    public override string Kind => "POSIX shared memory";

    /// <summary>Creates a new object (O_CREAT | O_EXCL, mode 0600) of <paramref name="size"/> bytes.</summary>
    public static PosixSharedMemory Create(string name, long size)
    {
        CheckSize(size);
        var full = KernelNames.Posix(name);
        int fd = Open(full, O_RDWR | O_CREAT | O_EXCL, NativeCall.ShmOpenExclusive);
        ObjectRegistry.Add("posixshm", full[1..]);
        try
        {
            Mapping.Truncate(fd, size, full);
            var region = new PosixSharedMemory(full, Mapping.Map(fd, size, full), size, owner: true);
            EventTrace.Record(TraceKind.Note, $"shm_open {full} + mmap → {size:N0} bytes");
            return region;
        }
        catch
        {
            Unlink(full);
            throw;
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>Opens an existing object by its full name (<see cref="Name"/> of the creator's object).</summary>
    public static PosixSharedMemory Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        int fd = Open(name, O_RDWR, NativeCall.ShmOpen);
        try
        {
            long size = Mapping.SizeOf(fd, name);
            if (size == 0)
                throw new InvalidOperationException($"{name} exists but has size 0: its creator has not set its size (ftruncate) yet.");
            return new PosixSharedMemory(name, Mapping.Map(fd, size, name), size, owner: false);
        }
        finally
        {
            close(fd);
        }
    }

    private static int Open(string name, int flags, NativeCall call)
    {
        fixed (byte* p = Sys.CString(name))
        {
            int fd = PosixIpcCalls.shm_open(p, flags | O_CLOEXEC, 0b110_000_000);
            if (fd == -1) throw Explain.Failure(call, Marshal.GetLastPInvokeError(), name);
            return fd;
        }
    }

    private static void Unlink(string name)
    {
        fixed (byte* p = Sys.CString(name))
            PosixIpcCalls.shm_unlink(p);
        ObjectRegistry.Remove("posixshm", name[1..]);
    }

    /// <summary>A child gets the name and opens it itself, as an unrelated process would.</summary>
    public ChildTransfer PrepareTransfer() => new([], Name);

    static PosixSharedMemory IChildTransferable<PosixSharedMemory>.FromTransfer(int[] fds, string state) => Open(state);

    protected override void Release(byte* address)
    {
        Mapping.Unmap(address, Size);
        if (_owner && address != null) Unlink(Name);
    }

    public override string ToString() => $"{base.ToString()}, {Name}";
}
