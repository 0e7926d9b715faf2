using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Ipc.Notebooks.Runner.Worker;

// Moves the worker's protocol channel off descriptors 0 and 1 onto close-on-exec duplicates, then points 0 at
// /dev/null and 1 at stderr. A child process a notebook starts inherits 0-2; without this it could read the
// runner's commands or write garbage into the protocol, and would keep the pipe open after the worker died.
internal static partial class ProtocolStdio
{
    private const int FDupFdCloexec = 1030;
    private const int ORdonlyCloexec = 0x80000;

    public static (TextReader Input, TextWriter Output) TakeOver()
    {
        var input = Duplicate(0);
        var output = Duplicate(1);
        var devNull = Open("/dev/null", ORdonlyCloexec);
        if (devNull < 0 || Dup2(devNull, 0) < 0 || Dup2(2, 1) < 0)
            throw new IOException($"could not detach the worker's stdio (errno {Marshal.GetLastPInvokeError()})");
        Close(devNull);
        var utf8 = new UTF8Encoding(false);
        return (new StreamReader(new FileStream(new SafeFileHandle(input, true), FileAccess.Read, 1), utf8),
                new StreamWriter(new FileStream(new SafeFileHandle(output, true), FileAccess.Write, 1), utf8));
    }

    private static IntPtr Duplicate(int fd)
    {
        var copy = Fcntl(fd, FDupFdCloexec, 3);
        return copy >= 0 ? copy : throw new IOException($"fcntl(F_DUPFD_CLOEXEC) on fd {fd} failed (errno {Marshal.GetLastPInvokeError()})");
    }

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldFd, int newFd);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
