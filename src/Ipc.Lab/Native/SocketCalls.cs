using System.Runtime.InteropServices;

namespace Ipc.Lab.Native;

/// <summary>The BSD socket calls, declared here as C declares them (addresses as raw sockaddr bytes), so that
/// the course's sockets are the kernel's own and read like server.c. Why not System.Net.Sockets: it hides the
/// calls the lecture teaches (setsockopt with raw option numbers, listen's backlog, accept as its own call,
/// SO_PEERCRED, SCM_RIGHTS), and its socket is not a descriptor Fork.Run can hand to a child.
/// The constants are the Linux values, the same on x86-64 and arm64.</summary>
internal static unsafe partial class SocketCalls
{
    private const string Libc = "libc";

    public const int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public const int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_SEQPACKET = 5, SOCK_NONBLOCK = 0x800, SOCK_CLOEXEC = 0x80000;
    public const int SOL_SOCKET = 1, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
    public const int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_REUSEPORT = 15,
        SO_PEERCRED = 17, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
    public const int IPV6_V6ONLY = 26, TCP_NODELAY = 1;
    public const int MSG_PEEK = 0x2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_NOSIGNAL = 0x4000;
    public const int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /// <summary>sizeof(struct sockaddr_un): 2 bytes of family, 108 of path (NUL included).</summary>
    public const int SockaddrUnSize = 110, SunPathSize = 108;
    public const int SockaddrStorageSize = 128;

    [LibraryImport(Libc, SetLastError = true)] public static partial int socket(int domain, int type, int protocol);
    [LibraryImport(Libc, SetLastError = true)] public static partial int bind(int fd, byte* addr, int len);
    [LibraryImport(Libc, SetLastError = true)] public static partial int listen(int fd, int backlog);
    [LibraryImport(Libc, SetLastError = true)] public static partial int accept4(int fd, byte* addr, int* len, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial int connect(int fd, byte* addr, int len);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint send(int fd, byte* buf, nint len, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint recv(int fd, byte* buf, nint len, int flags);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint sendto(int fd, byte* buf, nint len, int flags, byte* addr, int addrLen);
    [LibraryImport(Libc, SetLastError = true)] public static partial nint recvfrom(int fd, byte* buf, nint len, int flags, byte* addr, int* addrLen);
    [LibraryImport(Libc, SetLastError = true)] public static partial int setsockopt(int fd, int level, int name, void* value, int len);
    [LibraryImport(Libc, SetLastError = true)] public static partial int getsockopt(int fd, int level, int name, void* value, int* len);
    [LibraryImport(Libc, SetLastError = true)] public static partial int getsockname(int fd, byte* addr, int* len);
    [LibraryImport(Libc, SetLastError = true)] public static partial int getpeername(int fd, byte* addr, int* len);
    [LibraryImport(Libc, SetLastError = true)] public static partial int shutdown(int fd, int how);

    /// <summary>struct ucred, what SO_PEERCRED gives.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Ucred
    {
        public int pid;
        public uint uid;
        public uint gid;
    }

    private static int LastError => Marshal.GetLastPInvokeError();

    private static SyscallException Fail(NativeCall call, string? context) => Explain.Failure(call, LastError, context);

    public static int Socket(int domain, int type, int protocol)
    {
        int fd = socket(domain, type | SOCK_CLOEXEC, protocol);
        return fd >= 0 ? fd : throw Fail(NativeCall.Socket, $"socket({domain}, {type}, {protocol})");
    }

    public static void Bind(int fd, ReadOnlySpan<byte> address, string context)
    {
        fixed (byte* a = address)
            if (bind(fd, a, address.Length) == -1) throw Fail(NativeCall.Bind, context);
    }

    public static void Listen(int fd, int backlog, string context)
    {
        if (listen(fd, backlog) == -1) throw Fail(NativeCall.Listen, context);
    }

    /// <summary>connect on a non-blocking socket: 0 when it connected at once (a Unix socket, or loopback),
    /// EINPROGRESS when the handshake goes on (poll for POLLOUT, then read SO_ERROR).</summary>
    public static int ConnectStart(int fd, ReadOnlySpan<byte> address, string context)
    {
        fixed (byte* a = address)
        {
            if (connect(fd, a, address.Length) == 0) return 0;
            int e = LastError;
            if (e == Errno.EINPROGRESS || e == Errno.EINTR) return Errno.EINPROGRESS;
            // A Unix stream listener whose backlog is full answers EAGAIN to a non-blocking connect.
            if (e == Errno.EAGAIN) return Errno.EAGAIN;
            throw Explain.Failure(NativeCall.Connect, e, context);
        }
    }

    /// <summary>The result of a connect that was in progress (SO_ERROR), as an exception if it failed.</summary>
    public static void ConnectFinish(int fd, string context)
    {
        int e = GetInt(fd, SOL_SOCKET, SO_ERROR, context);
        if (e != 0) throw Explain.Failure(NativeCall.Connect, e, context);
    }

    /// <summary>Returned by the no-wait calls when the call would block.</summary>
    public const int WouldBlock = -1;

    public static int SendNoWait(int fd, ReadOnlySpan<byte> data, int flags, string? context) =>
        SendToNoWait(fd, data, flags, default, context, NativeCall.Send);

    public static int SendToNoWait(int fd, ReadOnlySpan<byte> data, int flags, ReadOnlySpan<byte> address, string? context, NativeCall call)
    {
        fixed (byte* p = data)
        fixed (byte* a = address)
        {
            while (true)
            {
                nint n = address.IsEmpty ? send(fd, p, data.Length, flags | MSG_DONTWAIT)
                    : sendto(fd, p, data.Length, flags | MSG_DONTWAIT, a, address.Length);
                if (n >= 0) return (int)n;
                int e = LastError;
                if (e == Errno.EINTR) continue;
                if (e == Errno.EAGAIN) return WouldBlock;
                throw Explain.Failure(call, e, context);
            }
        }
    }

    /// <summary>One recv (or recvfrom, when <paramref name="from"/> is wanted) that does not wait: bytes received (0 at
    /// end of stream), or <see cref="WouldBlock"/>. With MSG_TRUNC in <paramref name="flags"/> a datagram socket returns
    /// the datagram's real length. A stream's recv asks no address: no buffer to fill, nothing to allocate.</summary>
    public static int RecvNoWait(int fd, Span<byte> buffer, int flags, byte[]? from, out int fromLength, string? context, NativeCall call)
    {
        int len = from?.Length ?? 0;
        fixed (byte* p = buffer)
        fixed (byte* a = from)
        {
            while (true)
            {
                nint n = from is null ? recv(fd, p, buffer.Length, flags | MSG_DONTWAIT)
                    : recvfrom(fd, p, buffer.Length, flags | MSG_DONTWAIT, a, &len);
                fromLength = len;
                if (n >= 0) return (int)n;
                int e = LastError;
                if (e == Errno.EINTR) continue;
                if (e == Errno.EAGAIN) return WouldBlock;
                throw Explain.Failure(call, e, context);
            }
        }
    }

    /// <summary>One blocking recv, as C makes it, ended at <paramref name="deadline"/> by <see cref="BoundedCall"/>:
    /// bytes received (0 at end of stream), <see cref="BoundedCall.TimedOut"/>, or -1 with <paramref name="error"/>.
    /// Without it a receiver that waits pays a poll and then the recv: two calls where C makes one.</summary>
    public static long RecvBounded(int fd, Span<byte> buffer, int flags, BoundedCall.Deadline deadline, string what, out int error)
    {
        fixed (byte* p = buffer)
        {
            var call = new RecvCall(fd, p, buffer.Length, flags);
            return BoundedCall.Run(ref call, deadline, what, out error);
        }
    }

    private readonly struct RecvCall(int fd, byte* p, int length, int flags) : BoundedCall.IBlockingCall
    {
        public long Invoke(out int error)
        {
            long n = recv(fd, p, length, flags);
            error = n == -1 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
    }

    public static void SetInt(int fd, int level, int name, int value, string context)
    {
        if (setsockopt(fd, level, name, &value, sizeof(int)) == -1) throw Fail(NativeCall.SetSockOpt, context);
    }

    public static int GetInt(int fd, int level, int name, string context)
    {
        int value = 0, len = sizeof(int);
        if (getsockopt(fd, level, name, &value, &len) == -1) throw Fail(NativeCall.GetSockOpt, context);
        return value;
    }

    /// <summary>SO_RCVTIMEO / SO_SNDTIMEO: how long a blocking call on this socket may sleep before it fails with
    /// EAGAIN. The only way to bound accept(2), which has no per-call "do not wait" flag.</summary>
    public static void SetTimeout(int fd, int name, int milliseconds, string context)
    {
        long* tv = stackalloc long[2];
        tv[0] = milliseconds / 1000;
        tv[1] = milliseconds % 1000 * 1000L;
        if (setsockopt(fd, SOL_SOCKET, name, tv, 2 * sizeof(long)) == -1) throw Fail(NativeCall.SetSockOpt, context);
    }

    public const int SO_RCVTIMEO = 20, SO_SNDTIMEO = 21;

    /// <summary>accept4 on a blocking listener whose SO_RCVTIMEO bounds the wait: the new descriptor, or -1 when the
    /// time ran out (EAGAIN).</summary>
    public static int Accept(int fd, out byte[] peer, string context)
    {
        var buffer = new byte[SockaddrStorageSize];
        int len = buffer.Length;
        fixed (byte* a = buffer)
        {
            while (true)
            {
                int r = accept4(fd, a, &len, SOCK_CLOEXEC);
                if (r >= 0)
                {
                    peer = buffer[..Math.Min(len, buffer.Length)];
                    return r;
                }
                int e = LastError;
                if (e == Errno.EINTR || e == Errno.ECONNABORTED) continue;
                peer = [];
                if (e == Errno.EAGAIN) return -1;
                throw Explain.Failure(NativeCall.Accept, e, context);
            }
        }
    }

    public static Ucred PeerCred(int fd, string context)
    {
        Ucred cred;
        int len = sizeof(Ucred);
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1) throw Fail(NativeCall.GetSockOptPeerCred, context);
        return cred;
    }

    public static byte[] SockName(int fd, bool peer, string context)
    {
        var buffer = new byte[SockaddrStorageSize];
        int len = buffer.Length;
        fixed (byte* a = buffer)
        {
            int r = peer ? getpeername(fd, a, &len) : getsockname(fd, a, &len);
            if (r == -1) throw Fail(peer ? NativeCall.GetPeerName : NativeCall.GetSockName, context);
        }
        return buffer[..Math.Min(len, buffer.Length)];
    }

    public static void Shutdown(int fd, int how, string context)
    {
        if (shutdown(fd, how) == -1) throw Fail(NativeCall.Shutdown, context);
    }

    /// <summary>The inode of a descriptor's socket: what /proc/net/tcp and /proc/PID/fd ("socket:[N]") name it by.</summary>
    public static ulong Inode(int fd)
    {
        Tmds.Linux.stat st;
        if (Tmds.Linux.LibC.fstat(fd, &st) == -1) throw Sys.Fail(NativeCall.FStat, $"fd {fd}");
        return (ulong)st.st_ino;
    }
}
