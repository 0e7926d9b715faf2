using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>System V shared memory, semaphores and message queues, which Tmds.LibC does not declare.</summary>
internal static unsafe partial class SysVCalls
{
    private const string Libc = "libc";

    public const int IPC_CREAT = 0x200, IPC_EXCL = 0x400, IPC_NOWAIT = 0x800;
    public const int IPC_RMID = 0, IPC_STAT = 2;
    public const int MSG_NOERROR = 0x1000, MSG_EXCEPT = 0x2000;
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

    /// <summary>struct msqid_ds of x86-64 glibc (120 bytes): struct ipc_perm (48 bytes: key, uid, gid, cuid, cgid,
    /// mode and seq as 16-bit fields with padding, two reserved longs), three time_t, then the counters.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 120)]
    public struct MsqidDs
    {
        [FieldOffset(0)] public int Key;
        [FieldOffset(4)] public uint Uid;
        [FieldOffset(20)] public ushort Mode;
        [FieldOffset(48)] public long SendTime;
        [FieldOffset(56)] public long ReceiveTime;
        [FieldOffset(64)] public long ChangeTime;
        [FieldOffset(72)] public ulong CBytes;
        [FieldOffset(80)] public ulong QNum;
        [FieldOffset(88)] public ulong QBytes;
        [FieldOffset(96)] public int LastSenderPid;
        [FieldOffset(100)] public int LastReceiverPid;
    }

    [LibraryImport(Libc, SetLastError = true)] public static partial int msgget(int key, int flags);
    /// <summary><paramref name="message"/> points to a long (the type) followed by <paramref name="size"/> bytes.</summary>
    [LibraryImport(Libc, SetLastError = true)] public static partial int msgsnd(int id, void* message, nuint size, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint msgrcv(int id, void* message, nuint size, nint type, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial int msgctl(int id, int command, MsqidDs* buffer);
}
