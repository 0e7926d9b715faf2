using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>System V shared memory and semaphores, which Tmds.LibC does not declare.</summary>
internal static unsafe partial class SysVCalls
{
    private const string Libc = "libc";

    public const int IPC_CREAT = 0x200, IPC_EXCL = 0x400, IPC_NOWAIT = 0x800;
    public const int IPC_RMID = 0;
    public const short SEM_UNDO = 0x1000;
    public const int GETPID = 11, GETVAL = 12, GETNCNT = 14, SETVAL = 16;

    /// <summary>struct sembuf: which semaphore, how much to add (negative: DOWN), flags.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct SemBuf
    {
        public ushort Number;
        public short Operation;
        public short Flags;
    }

    [LibraryImport(Libc, SetLastError = true)] public static partial int shmget(int key, nuint size, int flags);
    [LibraryImport(Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)] public static partial int ftok(string path, int projectId);
    [LibraryImport(Libc, SetLastError = true)] public static partial void* shmat(int id, void* address, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial int shmdt(void* address);
    [LibraryImport(Libc, SetLastError = true)] public static partial int shmctl(int id, int command, void* buffer);

    [LibraryImport(Libc, SetLastError = true)] public static partial int semget(int key, int count, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial int semtimedop(int id, SemBuf* operations, nuint count, Tmds.Linux.timespec* timeout);

    // semctl is variadic; its fourth argument (union semun) is one register on x86-64 and arm64, where a
    // fixed pointer-sized parameter is passed exactly as the variadic one would be.
    [LibraryImport(Libc, SetLastError = true)] public static partial int semctl(int id, int number, int command, nint argument);
}
