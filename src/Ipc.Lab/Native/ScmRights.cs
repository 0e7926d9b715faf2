using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Native;

/// <summary>Sending open descriptors to another process over a Unix socket (sendmsg/recvmsg with an
/// SCM_RIGHTS control message): the receiver gets new numbers for the same open files.</summary>
internal static unsafe class ScmRights
{
    public static void Send(int socket, ReadOnlySpan<byte> data, IReadOnlyList<int> fds, string context = "handing descriptors to a child", int flags = 0)
    {
        int space = CMSG_SPACE(sizeof(int) * Math.Max(1, fds.Count));
        byte* control = stackalloc byte[space];
        new Span<byte>(control, space).Clear();
        fixed (byte* payload = data)
        {
            var iov = new iovec { iov_base = payload, iov_len = data.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1 };
            if (fds.Count > 0)
            {
                msg.msg_control = control;
                msg.msg_controllen = space;
                var header = CMSG_FIRSTHDR(&msg);
                header->cmsg_level = SOL_SOCKET;
                header->cmsg_type = SCM_RIGHTS;
                // Tmds.LibC's CMSG_LEN pads the length to 8 bytes: one descriptor then reads as two (the second slot,
                // zero, sent this process's fd 0 along). C's CMSG_LEN is the header plus the data, unpadded.
                header->cmsg_len = sizeof(cmsghdr) + sizeof(int) * fds.Count;
                int* slots = (int*)CMSG_DATA(header);
                for (int i = 0; i < fds.Count; i++) slots[i] = fds[i];
            }
            while (sendmsg(socket, &msg, flags) == -1)
                if (errno != EINTR) throw Sys.Fail(NativeCall.SendMsg, context);
        }
    }

    /// <summary>One message and the descriptors that came with it (marked close-on-exec).</summary>
    public static int Receive(int socket, Span<byte> buffer, int maxFds, out int[] fds, string context = "receiving descriptors from the parent")
    {
        int space = CMSG_SPACE(sizeof(int) * maxFds);
        byte* control = stackalloc byte[space];
        // Zeroed: glibc's CMSG_NXTHDR looks at the next header's length inside the buffer before it checks
        // msg_controllen, so garbage past the real message could read as a second header.
        new Span<byte>(control, space).Clear();
        fixed (byte* payload = buffer)
        {
            var iov = new iovec { iov_base = payload, iov_len = buffer.Length };
            var msg = new msghdr { msg_iov = &iov, msg_iovlen = 1, msg_control = control, msg_controllen = space };
            long n;
            while ((n = recvmsg(socket, &msg, MSG_CMSG_CLOEXEC)) == -1)
                if (errno != EINTR) throw Sys.Fail(NativeCall.RecvMsg, context);
            var received = new List<int>();
            for (var h = CMSG_FIRSTHDR(&msg); h != null; h = CMSG_NXTHDR(&msg, h))
            {
                if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS) continue;
                int count = ((int)h->cmsg_len - sizeof(cmsghdr)) / sizeof(int);
                int* slots = (int*)CMSG_DATA(h);
                for (int i = 0; i < count; i++) received.Add(slots[i]);
            }
            fds = received.ToArray();
            return (int)n;
        }
    }
}
