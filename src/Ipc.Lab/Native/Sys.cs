using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Native;

/// <summary>Thin checked wrappers: each makes one call, retries EINTR where the call allows it, and turns a
/// failure into a <see cref="SyscallException"/> that explains itself.</summary>
internal static unsafe class Sys
{
    public static SyscallException Fail(NativeCall call, string? context = null) => Explain.Failure(call, errno, context);

    public static (int Read, int Write) Pipe2(int flags)
    {
        int* fds = stackalloc int[2];
        if (pipe2(fds, flags) == -1) throw Fail(NativeCall.Pipe2);
        return (fds[0], fds[1]);
    }

    public static (int A, int B) SocketPair(int type)
    {
        int* fds = stackalloc int[2];
        if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == -1) throw Fail(NativeCall.SocketPair);
        return (fds[0], fds[1]);
    }

    public static void Close(int fd, string? context = null)
    {
        // Linux closes the descriptor even when close() reports EINTR: never retry close.
        if (close(fd) == -1 && errno != EINTR) throw Fail(NativeCall.Close, context);
    }

    public static int Read(int fd, Span<byte> buffer, string? context = null)
    {
        fixed (byte* p = buffer)
        {
            while (true)
            {
                long n = read(fd, p, buffer.Length);
                if (n >= 0) return (int)n;
                if (errno != EINTR) throw Fail(NativeCall.Read, context);
            }
        }
    }

    public static int Write(int fd, ReadOnlySpan<byte> data, string? context = null)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                long n = write(fd, p, data.Length);
                if (n >= 0) return (int)n;
                if (errno != EINTR) throw Fail(NativeCall.Write, context);
            }
        }
    }

    /// <summary>Returned by <see cref="ReadNoWait"/> and <see cref="WriteNoWait"/>.</summary>
    public const int WouldBlock = -1, NoWaitUnsupported = -2;

    /// <summary>One read that never blocks (preadv2 with RWF_NOWAIT): the byte count, 0 at end of file,
    /// <see cref="WouldBlock"/>, or <see cref="NoWaitUnsupported"/> on a kernel that cannot do it for this
    /// kind of file.</summary>
    public static int ReadNoWait(int fd, Span<byte> buffer, string? context = null)
    {
        fixed (byte* p = buffer)
        {
            var iov = new iovec { iov_base = p, iov_len = buffer.Length };
            return NoWait(write: false, fd, &iov, context);
        }
    }

    /// <summary>One write that never blocks (pwritev2 with RWF_NOWAIT): as much as fits now, all or nothing
    /// for at most PIPE_BUF bytes, as a non-blocking write(2) would.</summary>
    public static int WriteNoWait(int fd, ReadOnlySpan<byte> data, string? context = null)
    {
        fixed (byte* p = data)
        {
            var iov = new iovec { iov_base = p, iov_len = data.Length };
            return NoWait(write: true, fd, &iov, context);
        }
    }

    private static int NoWait(bool write, int fd, iovec* iov, string? context)
    {
        while (true)
        {
            // Offset -1: the file's current position, the only kind a pipe or socket has.
            long n = write ? LibcExtra.pwritev2(fd, iov, 1, -1, LibcExtra.RWF_NOWAIT)
                : LibcExtra.preadv2(fd, iov, 1, -1, LibcExtra.RWF_NOWAIT);
            if (n >= 0)
            {
                NoWaitKnownToWork = true;
                return (int)n;
            }
            int e = Marshal.GetLastPInvokeError();
            if (e == EINTR) continue;
            if (e == EAGAIN) return WouldBlock;
            if (e == EOPNOTSUPP || e == ENOSYS || (e == EINVAL && !NoWaitKnownToWork)) return NoWaitUnsupported;
            throw Explain.Failure(write ? NativeCall.Write : NativeCall.Read, e, context);
        }
    }

    /// <summary>Set once a no-wait call succeeded: from then on EINVAL is a real error, not "unsupported".</summary>
    public static bool NoWaitKnownToWork { get; private set; }

    /// <summary>poll(2) is made again, with the time left, after EINTR (a signal came; a handler without SA_RESTART
    /// ends it) and after EAGAIN, which poll(2) documents as "the request may be retried". The reference answer of
    /// cmp.capstone saw "poll failed with EAGAIN" in the .NET Interactive kernel at the moment a SIGTERM arrived.</summary>
    private static bool Retry(int error) => error == EINTR || error == EAGAIN;

    /// <summary>poll(2) on one descriptor. Returns the revents, or 0 when the timeout passed first.</summary>
    public static short PollOne(int fd, short events, int timeoutMs)
    {
        var pfd = new pollfd { fd = fd, events = events };
        long deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int n = poll(&pfd, 1, timeoutMs);
            if (n > 0) return pfd.revents;
            if (n == 0) return 0;
            if (!Retry(errno)) throw Fail(NativeCall.Poll);
            if (timeoutMs >= 0) timeoutMs = (int)Math.Max(0, deadline - Environment.TickCount64);
        }
    }

    /// <summary>poll(2) on several descriptors: (fd, events) in, revents out (0 for each that is not ready).
    /// Returns how many are ready; 0 when the timeout passed first. EINTR is retried with the time left.</summary>
    public static int Poll(ReadOnlySpan<(int Fd, short Events)> wanted, Span<short> revents, int timeoutMs)
    {
        var pfds = new pollfd[wanted.Length];
        for (int i = 0; i < wanted.Length; i++) pfds[i] = new pollfd { fd = wanted[i].Fd, events = wanted[i].Events };
        long deadline = Environment.TickCount64 + timeoutMs;
        fixed (pollfd* p = pfds)
        {
            while (true)
            {
                int n = poll(p, (ulong_t)(ulong)pfds.Length, timeoutMs);
                if (n >= 0)
                {
                    for (int i = 0; i < pfds.Length; i++) revents[i] = pfds[i].revents;
                    return n;
                }
                if (!Retry(errno)) throw Fail(NativeCall.Poll);
                timeoutMs = (int)Math.Max(0, deadline - Environment.TickCount64);
            }
        }
    }

    public static int Fcntl(int fd, int cmd, int arg, NativeCall call)
    {
        int r = fcntl(fd, cmd, arg);
        if (r == -1) throw Fail(call);
        return r;
    }

    public static int BytesAvailable(int fd)
    {
        int n = 0;
        if (ioctl(fd, FIONREAD, &n) == -1) throw Fail(NativeCall.IoctlBytesAvailable);
        return n;
    }

    public static void SetNonBlocking(int fd, bool on)
    {
        int flags = Fcntl(fd, F_GETFL, 0, NativeCall.FcntlGetFlags);
        flags = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
        Fcntl(fd, F_SETFL, flags, NativeCall.FcntlSetFlags);
    }

    public static bool IsNonBlocking(int fd) => (Fcntl(fd, F_GETFL, 0, NativeCall.FcntlGetFlags) & O_NONBLOCK) != 0;

    public static void Kill(int pid, int signal)
    {
        if (kill(pid, signal) == -1) throw Fail(NativeCall.Kill, $"pid {pid}, signal {signal}");
    }

    public static bool ProcessExists(int pid) => kill(pid, 0) == 0 || errno == EPERM;

    public static void Dup2(int fd, int target)
    {
        while (dup2(fd, target) == -1)
            if (errno != EINTR) throw Fail(NativeCall.Dup2);
    }

    public static void MkFifo(string path, int mode)
    {
        fixed (byte* p = CString(path))
            if (mkfifo(p, (mode_t)mode) == -1) throw Fail(NativeCall.MkFifo, path);
    }

    public static int Open(string path, int flags, NativeCall call, int mode = 0)
    {
        fixed (byte* p = CString(path))
        {
            while (true)
            {
                int fd = open(p, flags | O_CLOEXEC, (mode_t)mode);
                if (fd >= 0) return fd;
                if (errno != EINTR) throw Fail(call, path);
            }
        }
    }

    public static void Unlink(string path)
    {
        fixed (byte* p = CString(path))
            if (unlink(p) == -1 && errno != ENOENT) throw Fail(NativeCall.Unlink, path);
    }

    public static byte[] CString(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }
}
