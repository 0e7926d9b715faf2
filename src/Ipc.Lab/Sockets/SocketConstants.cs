using Calls = Ipc.Lab.Native.SocketCalls;

namespace Ipc.Lab.Sockets;

/// <summary>The constants of sys/socket.h, netinet/in.h and poll.h with their C names and Linux values, for
/// `using static Ipc.Lab.Sockets.SocketConstants;` — so that a cell reads like server.c:
/// socket(AF_INET, SOCK_STREAM, 0), setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, ...).</summary>
public static class SocketConstants
{
    public const int AF_UNIX = Calls.AF_UNIX, AF_INET = Calls.AF_INET, AF_INET6 = Calls.AF_INET6;
    public const int SOCK_STREAM = Calls.SOCK_STREAM, SOCK_DGRAM = Calls.SOCK_DGRAM, SOCK_SEQPACKET = Calls.SOCK_SEQPACKET;
    public const int SOL_SOCKET = Calls.SOL_SOCKET, IPPROTO_TCP = Calls.IPPROTO_TCP, IPPROTO_UDP = Calls.IPPROTO_UDP;
    public const int SO_REUSEADDR = Calls.SO_REUSEADDR, SO_TYPE = Calls.SO_TYPE, SO_ERROR = Calls.SO_ERROR,
        SO_SNDBUF = Calls.SO_SNDBUF, SO_RCVBUF = Calls.SO_RCVBUF, SO_REUSEPORT = Calls.SO_REUSEPORT,
        SO_ACCEPTCONN = Calls.SO_ACCEPTCONN, SO_PROTOCOL = Calls.SO_PROTOCOL, SO_DOMAIN = Calls.SO_DOMAIN;
    public const int TCP_NODELAY = Calls.TCP_NODELAY;
    public const int SHUT_RD = Calls.SHUT_RD, SHUT_WR = Calls.SHUT_WR, SHUT_RDWR = Calls.SHUT_RDWR;
    public const short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10;
}
