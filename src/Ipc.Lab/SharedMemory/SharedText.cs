using System.Text;

namespace Ipc.Lab.SharedMemory;

/// <summary>A C string in shared memory: UTF-8 bytes followed by a NUL, in a slot of fixed capacity. Writing
/// checks that the text and its terminator fit — the check the lecture's memcpy(shmem, msg, sizeof(msg))
/// does not make.</summary>
public sealed unsafe class SharedText
{
    private readonly SharedRegion _region;
    private readonly long _offset;

    internal SharedText(SharedRegion region, long offset, long capacity)
    {
        _region = region;
        _offset = offset;
        Capacity = capacity;
    }

    /// <summary>Bytes in the slot, the terminating NUL included.</summary>
    public long Capacity { get; }

    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int length = Encoding.UTF8.GetByteCount(text);
        if (length + 1 > Capacity)
            throw new ArgumentException($"\"{text}\" takes {length} bytes plus the terminating NUL, but the slot holds {Capacity} bytes.", nameof(text));
        var slot = new Span<byte>(_region.At(_offset, length + 1), length + 1);
        Encoding.UTF8.GetBytes(text, slot);
        slot[length] = 0;
    }

    /// <summary>The bytes up to the first NUL (or the whole slot, if a writer left none).</summary>
    public string Read()
    {
        var slot = new ReadOnlySpan<byte>(_region.At(_offset, Capacity), checked((int)Capacity));
        int end = slot.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? slot : slot[..end]);
    }

    public override string ToString() => _region.IsDisposed ? "text (disposed)" : Read();
}
