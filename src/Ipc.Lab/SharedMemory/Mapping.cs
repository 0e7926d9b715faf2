using Tmds.Linux;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.SharedMemory;

/// <summary>mmap(MAP_SHARED) of a descriptor and its undoing, shared by the kinds that map a file.</summary>
internal static unsafe class Mapping
{
    public static byte* Map(int fd, long size, string context)
    {
        void* p = mmap(null, (size_t)(ulong)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED) throw Explain.Failure(NativeCall.Mmap, errno, context);
        return (byte*)p;
    }

    public static void Unmap(byte* address, long size)
    {
        if (address != null) munmap(address, (size_t)(ulong)size);
    }

    public static void Truncate(int fd, long size, string context)
    {
        if (ftruncate(fd, size) == -1) throw Explain.Failure(NativeCall.FTruncate, errno, context);
    }

    /// <summary>The size of the object behind a descriptor (fstat), for a process that opens one by name.</summary>
    public static long SizeOf(int fd, string context)
    {
        Tmds.Linux.stat st;
        if (fstat(fd, &st) == -1) throw Explain.Failure(NativeCall.FStat, errno, context);
        return st.st_size;
    }
}
