namespace Ipc.Lab.SharedMemory;

/// <summary>A 64-bit integer in shared memory. <see cref="Increment"/> is what <c>(*counter)++</c> is in C —
/// a load, an add and a store that another process can interleave with its own — while
/// <see cref="AtomicIncrement"/> is one indivisible instruction (lock xadd on x86-64), so no update is lost.</summary>
public sealed unsafe class SharedCounter
{
    private readonly SharedRegion _region;
    private readonly long _offset;

    internal SharedCounter(SharedRegion region, long offset)
    {
        _region = region;
        _offset = offset;
    }

    private long* Address => (long*)_region.At(_offset, sizeof(long));

    /// <summary>The current value (a volatile read: always from memory, never a stale copy in a register).</summary>
    public long Value
    {
        get => Volatile.Read(ref *Address);
        set => Volatile.Write(ref *Address, value);
    }

    /// <summary>Not atomic, on purpose: read, add one, write back. Two processes doing this at once can both
    /// read 41 and both write 42 — one update is lost.</summary>
    public void Increment()
    {
        long* p = Address;
        Volatile.Write(ref *p, Volatile.Read(ref *p) + 1);
    }

    /// <summary>Atomic: no update is lost, however many processes do it at once. Returns the new value.</summary>
    public long AtomicIncrement() => Interlocked.Increment(ref *Address);

    /// <summary>Atomic add; returns the new value.</summary>
    public long AtomicAdd(long amount) => Interlocked.Add(ref *Address, amount);

    /// <summary>Atomic compare-and-swap: stores <paramref name="value"/> only if the counter still holds
    /// <paramref name="expected"/>; returns what it held.</summary>
    public long CompareExchange(long value, long expected) => Interlocked.CompareExchange(ref *Address, value, expected);

    public override string ToString() => _region.IsDisposed ? "counter (disposed)" : $"counter = {Value}";
}
