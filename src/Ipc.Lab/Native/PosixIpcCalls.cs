using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>POSIX named shared memory and semaphores (in libc itself since glibc 2.34), which Tmds.LibC does
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
}
