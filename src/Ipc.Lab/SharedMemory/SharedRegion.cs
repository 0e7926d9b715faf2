namespace Ipc.Lab.SharedMemory;

/// <summary>Memory that other processes see too: whatever one process writes here, the others read at once,
/// with no system call in between. That is what makes shared memory fast, and also why it needs
/// synchronisation of its own (an atomic operation or a semaphore). Every access is bounds-checked, and a
/// disposed region refuses access instead of touching unmapped memory.</summary>
public abstract unsafe class SharedRegion : IDisposable
{
    /// <summary>The largest region the course creates (1 GiB): a bigger one is almost always a mistake in a
    /// size calculation, and would only fail later, at the first touch of a page the machine cannot give.</summary>
    public const long MaxSize = 1L << 30;

    private byte* _address;

    protected SharedRegion(byte* address, long size)
    {
        _address = address;
        Size = size;
    }

    /// <summary>Size in bytes.</summary>
    public long Size { get; }

    /// <summary>What kind of shared memory this is, in words.</summary>
    public abstract string Kind { get; }

    public bool IsDisposed => _address == null;

    /// <summary>Where this process mapped the region (0 once disposed): how /proc/self/maps finds its line.</summary>
    internal ulong MappedAt => (ulong)_address;

    /// <summary>The whole region as bytes. A method, not a property: a notebook's formatter reads properties,
    /// and a Span cannot be read by reflection.</summary>
    public Span<byte> AsSpan() => new(At(0, Size), checked((int)Size));

    /// <summary>A long at <paramref name="offset"/> (a multiple of 8, so that atomic operations on it work).</summary>
    public SharedCounter Counter(long offset = 0)
    {
        if (offset % sizeof(long) != 0)
            throw new ArgumentException($"A counter must start at a multiple of 8 bytes (got offset {offset}): atomic operations need an aligned long.", nameof(offset));
        At(offset, sizeof(long));
        return new SharedCounter(this, offset);
    }

    /// <summary>A NUL-terminated UTF-8 string of at most <paramref name="capacity"/> bytes (terminator
    /// included) at <paramref name="offset"/>, as a C program would keep it; by default the rest of the region.</summary>
    public SharedText Text(long offset = 0, long? capacity = null)
    {
        long c = capacity ?? Size - offset;
        if (c < 2) throw new ArgumentOutOfRangeException(nameof(capacity), c, "A string slot needs at least 2 bytes: one character and the terminating NUL.");
        At(offset, c);
        return new SharedText(this, offset, c);
    }

    /// <summary>Copies <paramref name="data"/> into the region at <paramref name="offset"/>.</summary>
    public void Write(long offset, ReadOnlySpan<byte> data) => data.CopyTo(new Span<byte>(At(offset, data.Length), data.Length));

    /// <summary>Copies bytes from the region at <paramref name="offset"/> into <paramref name="destination"/>.</summary>
    public void Read(long offset, Span<byte> destination) => new Span<byte>(At(offset, destination.Length), destination.Length).CopyTo(destination);

    /// <summary>The address of <paramref name="length"/> bytes at <paramref name="offset"/>, checked.</summary>
    internal byte* At(long offset, long length)
    {
        var address = _address;
        if (address == null)
            throw new ObjectDisposedException(Kind, $"This {Kind} was disposed (unmapped): its memory can no longer be used.");
        if (offset < 0 || length < 0 || offset > Size - length)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"Bytes {offset}..{offset + length} are outside this {Kind} of {Size} bytes (valid offsets: 0..{Size - 1}).");
        return address + offset;
    }

    /// <summary>Checks a size asked for, before any system call sees it.</summary>
    protected static void CheckSize(long size)
    {
        if (size <= 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, "A shared memory region needs a positive size in bytes.");
        if (size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"{size:N0} bytes is more than this course allows for one region ({MaxSize:N0} bytes = 1 GiB); check the size calculation.");
    }

    /// <summary>Unmaps the memory (and, for the owner, removes the object).</summary>
    public void Dispose()
    {
        var address = _address;
        _address = null;
        Release(address);
        GC.SuppressFinalize(this);
    }

    /// <summary>Called once, with the address that was mapped (null if there was none).</summary>
    protected abstract void Release(byte* address);

    public override string ToString() => IsDisposed ? $"{Kind} (disposed)" : $"{Kind}, {Size:N0} bytes";
}
