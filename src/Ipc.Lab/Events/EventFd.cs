using System.Runtime.InteropServices;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Events;

/// <summary>eventfd(2): a 64-bit counter kept by the kernel behind a file descriptor. write(2) of 8 bytes adds
/// to it; read(2) of 8 bytes returns it and sets it to 0 — or, with <see cref="EFD_SEMAPHORE"/>, returns 1 and
/// takes 1 off. A read of a counter at 0 blocks, so two processes can wake each other with it; it moves no data
/// but the count, and being a descriptor it can be polled next to pipes and sockets.</summary>
public sealed class EventFd : StreamDescriptor, IChildTransferable<EventFd>
{
    /// <summary>Each read takes 1 off the counter and returns 1, as a semaphore's DOWN does.</summary>
    public const int EFD_SEMAPHORE = 1;

    private EventFd(int fd, bool semaphore) : base(fd, semaphore ? "eventfd (EFD_SEMAPHORE)" : "eventfd") => Semaphore = semaphore;

    /// <summary>Whether reads count down by one (<see cref="EFD_SEMAPHORE"/>) rather than take everything.</summary>
    public bool Semaphore { get; }

    /// <summary>eventfd(initialValue, EFD_CLOEXEC [| EFD_SEMAPHORE]).</summary>
    public static EventFd Create(uint initialValue = 0, bool semaphore = false)
    {
        int fd = eventfd(initialValue, EFD_CLOEXEC | (semaphore ? EFD_SEMAPHORE : 0));
        if (fd == -1) throw Sys.Fail(NativeCall.EventFd, $"initial value {initialValue}");
        return new EventFd(fd, semaphore);
    }

    /// <summary>write(2) of 8 bytes: adds <paramref name="value"/> to the counter. Blocks (at most the timeout)
    /// only if the sum would pass 2^64 - 2.</summary>
    public void Write(ulong value, TimeSpan? timeout = null)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        MemoryMarshal.Write(bytes, in value);
        WriteAll(bytes, timeout);
    }

    /// <summary>read(2) of 8 bytes: the counter (then 0), or 1 with <see cref="EFD_SEMAPHORE"/>. Waits at most
    /// <paramref name="timeout"/> while the counter is 0.</summary>
    public ulong Read(TimeSpan? timeout = null)
    {
        Span<byte> bytes = stackalloc byte[sizeof(ulong)];
        // An eventfd's read returns all 8 bytes or fails: there is no short read to loop over.
        ReadOnce(bytes, timeout);
        return MemoryMarshal.Read<ulong>(bytes);
    }

    public ChildTransfer PrepareTransfer() => new([this], Semaphore ? "semaphore" : "");

    static EventFd IChildTransferable<EventFd>.FromTransfer(int[] fds, string state) => new(fds[0], state == "semaphore");
}
