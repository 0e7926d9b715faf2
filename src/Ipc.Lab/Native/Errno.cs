namespace Ipc.Lab.Native;

/// <summary>Linux errno numbers (x86-64 and arm64 agree on all of these) with their names and a
/// general meaning. <see cref="SyscallException"/> adds what a failure means for the call at hand.</summary>
public static class Errno
{
    public const int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7, ENOEXEC = 8,
        EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, EBUSY = 16, EEXIST = 17,
        ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23, EMFILE = 24, ENOSPC = 28, ESPIPE = 29, EROFS = 30,
        EMLINK = 31, EPIPE = 32, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOSYS = 38, ENOMSG = 42,
        EIDRM = 43, ENOTSOCK = 88, EDESTADDRREQ = 89, EMSGSIZE = 90, ENOPROTOOPT = 92, EPROTONOSUPPORT = 93,
        EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, EADDRNOTAVAIL = 99, ENETUNREACH = 101, ECONNABORTED = 103,
        ECONNRESET = 104, EISCONN = 106, ENOTCONN = 107, ETIMEDOUT = 110, ECONNREFUSED = 111, EINPROGRESS = 115;

    private static readonly Dictionary<int, (string Name, string Meaning)> Known = new()
    {
        [EPERM] = ("EPERM", "operation not permitted"),
        [ENOENT] = ("ENOENT", "no such file, directory or object"),
        [ESRCH] = ("ESRCH", "no such process"),
        [EINTR] = ("EINTR", "interrupted by a signal before it finished"),
        [EIO] = ("EIO", "input/output error"),
        [ENXIO] = ("ENXIO", "no such device or address"),
        [E2BIG] = ("E2BIG", "argument list or message too long"),
        [ENOEXEC] = ("ENOEXEC", "not an executable format"),
        [EBADF] = ("EBADF", "bad file descriptor: not open, or not open for this kind of access"),
        [ECHILD] = ("ECHILD", "no child process to wait for"),
        [EAGAIN] = ("EAGAIN", "resource temporarily unavailable: the call would have to block"),
        [ENOMEM] = ("ENOMEM", "out of memory"),
        [EACCES] = ("EACCES", "permission denied"),
        [EFAULT] = ("EFAULT", "bad address"),
        [EBUSY] = ("EBUSY", "device or resource busy"),
        [EEXIST] = ("EEXIST", "it already exists"),
        [ENOTDIR] = ("ENOTDIR", "not a directory"),
        [EISDIR] = ("EISDIR", "is a directory"),
        [EINVAL] = ("EINVAL", "invalid argument"),
        [ENFILE] = ("ENFILE", "too many open files in the system"),
        [EMFILE] = ("EMFILE", "too many open files in this process"),
        [ENOSPC] = ("ENOSPC", "no space left"),
        [ESPIPE] = ("ESPIPE", "illegal seek: pipes and sockets have no file position"),
        [EROFS] = ("EROFS", "read-only file system"),
        [EMLINK] = ("EMLINK", "too many links"),
        [EPIPE] = ("EPIPE", "broken pipe: nobody is reading at the other end"),
        [ERANGE] = ("ERANGE", "result out of range"),
        [EDEADLK] = ("EDEADLK", "resource deadlock would occur"),
        [ENAMETOOLONG] = ("ENAMETOOLONG", "file name too long"),
        [ENOSYS] = ("ENOSYS", "function not implemented by this kernel"),
        [ENOMSG] = ("ENOMSG", "no message of the desired type"),
        [EIDRM] = ("EIDRM", "identifier removed"),
        [ENOTSOCK] = ("ENOTSOCK", "not a socket"),
        [EDESTADDRREQ] = ("EDESTADDRREQ", "destination address required"),
        [EMSGSIZE] = ("EMSGSIZE", "message too long"),
        [ENOPROTOOPT] = ("ENOPROTOOPT", "no such option at this protocol level"),
        [EPROTONOSUPPORT] = ("EPROTONOSUPPORT", "protocol not supported"),
        [EOPNOTSUPP] = ("EOPNOTSUPP", "operation not supported"),
        [EAFNOSUPPORT] = ("EAFNOSUPPORT", "address family not supported"),
        [EADDRINUSE] = ("EADDRINUSE", "address already in use"),
        [EADDRNOTAVAIL] = ("EADDRNOTAVAIL", "address not available"),
        [ENETUNREACH] = ("ENETUNREACH", "network unreachable"),
        [ECONNABORTED] = ("ECONNABORTED", "connection aborted"),
        [ECONNRESET] = ("ECONNRESET", "connection reset by peer"),
        [EISCONN] = ("EISCONN", "socket is already connected"),
        [ENOTCONN] = ("ENOTCONN", "socket is not connected"),
        [ETIMEDOUT] = ("ETIMEDOUT", "timed out"),
        [ECONNREFUSED] = ("ECONNREFUSED", "connection refused: nobody is listening there"),
        [EINPROGRESS] = ("EINPROGRESS", "operation now in progress"),
    };

    public static string Name(int errno) => Known.TryGetValue(errno, out var k) ? k.Name : $"errno {errno}";

    public static string Meaning(int errno) => Known.TryGetValue(errno, out var k) ? k.Meaning : "unknown error";
}
