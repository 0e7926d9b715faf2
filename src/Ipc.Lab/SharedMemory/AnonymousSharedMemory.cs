using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.SharedMemory;

/// <summary>Shared memory without a name: the lecture's mmap(MAP_ANONYMOUS | MAP_SHARED) before fork(). A
/// spawned child does not inherit our mappings as a forked one would, so the memory is a memfd (an anonymous
/// file only descriptors reach), mapped MAP_SHARED here and, once handed to Fork.Run, mapped by the child as
/// well. It disappears with the last descriptor and mapping: nothing to clean up, even after SIGKILL.</summary>
public sealed unsafe class AnonymousSharedMemory : SharedRegion, IChildTransferable<AnonymousSharedMemory>
{
    private readonly FileDescriptor _fd;

    private AnonymousSharedMemory(FileDescriptor fd, byte* address, long size) : base(address, size) => _fd = fd;

    public override string Kind => "anonymous shared memory";

    public static AnonymousSharedMemory Create(long size)
    {
        CheckSize(size);
        int fd;
        fixed (byte* name = "ipc-lab-shared"u8)
            fd = memfd_create(name, MFD_CLOEXEC);
        if (fd == -1) throw Sys.Fail(NativeCall.MemFdCreate);
        var descriptor = new FileDescriptor(fd, "anonymous shared memory (memfd)");
        try
        {
            Mapping.Truncate(fd, size, $"{size:N0} bytes of anonymous shared memory");
            var region = new AnonymousSharedMemory(descriptor, Mapping.Map(fd, size, $"{size:N0} bytes of anonymous shared memory"), size);
            EventTrace.Record(TraceKind.Note, $"memfd_create + mmap(MAP_SHARED) → {size:N0} bytes (fd {fd})", fd);
            return region;
        }
        catch
        {
            descriptor.Dispose();
            throw;
        }
    }

    /// <summary>The memfd goes to the child at fd 3; the child maps it (and closes the descriptor: the
    /// mapping keeps the memory alive).</summary>
    public ChildTransfer PrepareTransfer() => new([_fd], Size.ToString());

    static AnonymousSharedMemory IChildTransferable<AnonymousSharedMemory>.FromTransfer(int[] fds, string state)
    {
        long size = long.Parse(state);
        var descriptor = new FileDescriptor(fds[0], "anonymous shared memory (memfd)");
        try
        {
            return new AnonymousSharedMemory(descriptor, Mapping.Map(fds[0], size, "the parent's anonymous shared memory"), size);
        }
        catch
        {
            descriptor.Dispose();
            throw;
        }
    }

    protected override void Release(byte* address)
    {
        Mapping.Unmap(address, Size);
        _fd.Dispose();
    }
}
