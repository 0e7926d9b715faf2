using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>POSIX named shared memory, semaphores and message queues (in libc itself since glibc 2.34), which Tmds.LibC does
/// not declare.</summary>
internal static unsafe partial class PosixIpcCalls
{
    private const string Libc = "libc";

    [LibraryImport(Libc, SetLastError = true)] public static partial int shm_open(byte* name, int flags, uint mode);
    [LibraryImport(Libc, SetLastError = true)] public static partial int shm_unlink(byte* name);

    // sem_open is variadic (mode and value only with O_CREAT); both are passed in registers on x86-64 and
    // arm64 whichever way they are declared, so the four-argument form serves both uses.
    [LibraryImport(Libc, SetLastError = true)] public static partial void* sem_open(byte* name, int flags, uint mode, uint value);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sem_close(void* semaphore);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sem_unlink(byte* name);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sem_post(void* semaphore);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sem_timedwait(void* semaphore, Tmds.Linux.timespec* absoluteTimeout);
    [LibraryImport(Libc, SetLastError = true)] public static partial int sem_getvalue(void* semaphore, int* value);

    /// <summary>struct mq_attr: flags, the capacity in messages, the largest message, how many are queued now
    /// (then four reserved longs).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MqAttr
    {
        public long Flags;
        public long MaxMessages;
        public long MessageSize;
        public long CurrentMessages;
        private long _reserved0, _reserved1, _reserved2, _reserved3;
    }

    // mq_open is variadic (mode and attributes only with O_CREAT); like sem_open, the four-argument form is
    // passed in the same registers on x86-64 and arm64. mqd_t is an int on Linux.
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_open(byte* name, int flags, uint mode, MqAttr* attributes);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_send(int queue, byte* message, nuint size, uint priority);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_timedsend(int queue, byte* message, nuint size, uint priority, Tmds.Linux.timespec* absoluteTimeout);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint mq_receive(int queue, byte* buffer, nuint size, uint* priority);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint mq_timedreceive(int queue, byte* buffer, nuint size, uint* priority, Tmds.Linux.timespec* absoluteTimeout);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_getattr(int queue, MqAttr* attributes);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_close(int queue);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_unlink(byte* name);
    [LibraryImport(Libc, SetLastError = true)] public static partial int mq_notify(int queue, SigEvent* notification);

    /// <summary>SIGEV_THREAD: glibc runs sigev_notify_function on a new thread of its own.</summary>
    public const int SIGEV_THREAD = 2;

    /// <summary>struct sigevent on 64-bit Linux (64 bytes): sigev_value, sigev_signo, sigev_notify, then a union
    /// whose SIGEV_THREAD arm is the function and its pthread attributes.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    public struct SigEvent
    {
        [FieldOffset(0)] public nint Value;
        [FieldOffset(8)] public int Signo;
        [FieldOffset(12)] public int Notify;
        [FieldOffset(16)] public delegate* unmanaged<nint, void> Function;
        [FieldOffset(24)] public nint Attributes;
    }
}
