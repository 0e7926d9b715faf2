namespace Ipc.Lab.Native;

/// <summary>A system call failed. Carries the call, the errno (number and name), what it means in the
/// situation at hand and the likely fix, so that a student reads the cause, not just a number.</summary>
public sealed class SyscallException : IOException
{
    internal SyscallException(NativeCall call, int errno, string? meaning = null, string? fix = null, string? context = null)
        : base(Compose(call.Name, errno, meaning, fix, context), errno)
    {
        Call = call.Name;
        Errno = errno;
        ErrnoName = Native.Errno.Name(errno);
        Meaning = meaning ?? Native.Errno.Meaning(errno);
        Fix = fix;
    }

    /// <summary>The call's C name ("write", "fcntl(F_SETPIPE_SZ)").</summary>
    public string Call { get; }
    public int Errno { get; }
    public string ErrnoName { get; }
    public string Meaning { get; }
    public string? Fix { get; }

    private static string Compose(string call, int errno, string? meaning, string? fix, string? context)
    {
        var text = $"{call} failed with {Native.Errno.Name(errno)} ({errno}): {meaning ?? Native.Errno.Meaning(errno)}.";
        if (context is not null) text += $" [{context}]";
        if (fix is not null) text += $" Fix: {fix}";
        return text;
    }
}
