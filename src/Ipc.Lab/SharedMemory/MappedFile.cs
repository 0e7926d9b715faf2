using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.SharedMemory;

/// <summary>An ordinary file mapped with mmap(MAP_SHARED): the memory is the file's pages in the page cache, so
/// a store changes the file with no write(2), and every process that maps or reads the file sees it at once.
/// The file is the caller's: disposing unmaps, and never deletes it. A child is given the path and maps the
/// file itself, as an unrelated process would.</summary>
public sealed unsafe class MappedFile : SharedRegion, IChildTransferable<MappedFile>
{
    private MappedFile(string path, byte* address, long size) : base(address, size) => Path = path;

    /// <summary>The mapped file's path.</summary>
    public string Path { get; }

    public override string Kind => "mapped file";

    /// <summary>open(path, O_RDWR) + mmap(MAP_SHARED) of the whole file, at its current size (which must not
    /// be 0: mmap cannot map nothing). The descriptor is closed at once: the mapping keeps the file open.</summary>
    public static MappedFile Map(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = Sys.Open(path, O_RDWR | O_CLOEXEC, NativeCall.Open);
        try
        {
            long size = Mapping.SizeOf(fd, path);
            if (size == 0)
                throw new InvalidOperationException($"{path} is empty: mmap needs at least one byte to map. Write to the file (or ftruncate it) first.");
            CheckSize(size);
            var file = new MappedFile(path, Mapping.Map(fd, size, path), size);
            EventTrace.Record(TraceKind.Note, $"open {path} + mmap(MAP_SHARED) → {size:N0} bytes");
            return file;
        }
        finally
        {
            close(fd);
        }
    }

    public ChildTransfer PrepareTransfer() => new([], Path);

    static MappedFile IChildTransferable<MappedFile>.FromTransfer(int[] fds, string state) => Map(state);

    protected override void Release(byte* address) => Mapping.Unmap(address, Size);

    public override string ToString() => $"{base.ToString()}, {Path}";
}
