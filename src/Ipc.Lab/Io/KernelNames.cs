using Ipc.Lab.Native;

namespace Ipc.Lab.Io;

/// <summary>Names and keys for kernel objects that cannot collide with another user's or another run's: a
/// POSIX name carries our uid and pid (/ipc-lab-UID-PID-name), and a SysV key is random and created with
/// IPC_EXCL, so an existing object is never silently shared.</summary>
public static class KernelNames
{
    private static string Prefix(int pid) => $"ipc-lab-{Tmds.Linux.LibC.getuid()}-{pid}-";

    /// <summary>The POSIX name (with its leading '/') for an object this process calls <paramref name="name"/>.</summary>
    public static string Posix(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 100 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"'{name}' is not a valid name for a shared object: use 1 to 100 letters, digits, '-' or '_'.", nameof(name));
        return "/" + Prefix(Environment.ProcessId) + name;
    }

    /// <summary>Whether a name (without '/') was made by <see cref="Posix"/> for this user.</summary>
    internal static bool IsOurs(string name) => OwnerPid(name) is not null;

    /// <summary>The pid in a name of ours whose process no longer exists, or null.</summary>
    internal static int? DeadOwner(string name) => OwnerPid(name) is int pid && !Sys.ProcessExists(pid) ? pid : null;

    private static int? OwnerPid(string name)
    {
        var mine = $"ipc-lab-{Tmds.Linux.LibC.getuid()}-";
        if (!name.StartsWith(mine, StringComparison.Ordinal)) return null;
        var rest = name[mine.Length..];
        int dash = rest.IndexOf('-');
        return dash > 0 && int.TryParse(rest[..dash], out int pid) ? pid : null;
    }

    /// <summary>A random positive SysV key (never IPC_PRIVATE, 0), to be used with IPC_CREAT | IPC_EXCL.</summary>
    internal static int RandomKey() => Random.Shared.Next(1, int.MaxValue);
}
