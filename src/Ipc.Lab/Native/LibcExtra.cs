using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>The libc calls Tmds.LibC does not have: posix_spawn and its file actions and attributes,
/// waitpid, prctl, and the newer process calls reached through syscall(2).</summary>
internal static unsafe partial class LibcExtra
{
    private const string Libc = "libc";

    // glibc's posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 on x86-64; callers
    // allocate this much so that a libc with larger structures still fits.
    public const int OpaqueStructSize = 1024;

    public const short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04, POSIX_SPAWN_SETSIGMASK = 0x08;
    public const int WNOHANG = 1;
    public const int PR_SET_PDEATHSIG = 1;
    private const long SYS_pidfd_open = 434;

    [LibraryImport(Libc)] public static partial int posix_spawn(int* pid, byte* path, void* fileActions, void* attr, byte** argv, byte** envp);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_init(void* fileActions);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_destroy(void* fileActions);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_adddup2(void* fileActions, int fd, int newFd);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_addopen(void* fileActions, int fd, byte* path, int oflag, uint mode);
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_addclose(void* fileActions, int fd);
    /// <summary>glibc 2.34 and later: close every descriptor from <paramref name="from"/> up, in the child.</summary>
    [LibraryImport(Libc)] public static partial int posix_spawn_file_actions_addclosefrom_np(void* fileActions, int from);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_init(void* attr);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_destroy(void* attr);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setflags(void* attr, short flags);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);
    [LibraryImport(Libc)] public static partial int posix_spawnattr_setpgroup(void* attr, int pgroup);

    [LibraryImport(Libc, SetLastError = true)] public static partial int waitpid(int pid, int* status, int options);

    /// <summary>preadv2/pwritev2 flag: fail with EAGAIN instead of blocking, for this call only (the descriptor's
    /// O_NONBLOCK, which a child sharing the open file would see, is left alone).</summary>
    public const int RWF_NOWAIT = 0x08;

    /// <summary>read(2) and write(2) for the hot paths (BoundedCall): generated here, the call is a direct one the
    /// JIT inlines, with errno saved around it; Tmds.LibC's declarations go through a marshalling stub that cost
    /// about as much again as the rest of a pipe write's user-space work (measured with perf on a 64-byte write loop).</summary>
    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)] public static partial nint read_fast(int fd, byte* buffer, nint count);
    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)] public static partial nint write_fast(int fd, byte* buffer, nint count);

    [LibraryImport(Libc, SetLastError = true)] public static partial long preadv2(int fd, void* iov, int iovcnt, long offset, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial long pwritev2(int fd, void* iov, int iovcnt, long offset, int flags);

    // prctl is variadic in C; on the 64-bit ABIs we support, passing every argument as a full
    // register-sized integer is what a variadic call does too.
    [LibraryImport(Libc, SetLastError = true)] public static partial int prctl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

    [LibraryImport(Libc, EntryPoint = "syscall", SetLastError = true)] private static partial long syscall2(long number, long a1, long a2);

    /// <summary>A descriptor that becomes readable when the process exits: lets a wait take a timeout.</summary>
    public static int pidfd_open(int pid) => (int)syscall2(SYS_pidfd_open, pid, 0);
}
