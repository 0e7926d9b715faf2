using Ipc.Lab.Native;

namespace Ipc.Lab.Sockets;

/// <summary>One socket as the kernel lists it in /proc/net/tcp, tcp6, udp or udp6 — what `ss` and `netstat`
/// show. <see cref="Queue"/> is, for a LISTEN socket, how many connections wait in its accept queue; for a
/// connection, the bytes received and not read yet (a FIN counts as one). <see cref="Drops"/>, for UDP only: the
/// datagrams the kernel dropped because this socket's receive buffer was full.</summary>
public sealed record KernelSocket(string Protocol, string Local, string Remote, string State, long Queue, uint Uid, ulong Inode, long? Drops = null)
{
    internal int LocalPort { get; init; }
    internal int RemotePort { get; init; }
    internal bool LoopbackOnly { get; init; }
}

/// <summary>The kernel's view of the machine's TCP and UDP sockets, read from /proc/net.</summary>
public static class KernelSockets
{
    /// <summary>Every TCP socket (IPv4 and IPv6) with this port at either end: the listener, its connections,
    /// and those in TIME_WAIT.</summary>
    public static IReadOnlyList<KernelSocket> Tcp(int port) => Read("tcp", "tcp6").Where(s => s.LocalPort == port || s.RemotePort == port).ToList();

    /// <summary>Every UDP socket with this port at either end.</summary>
    public static IReadOnlyList<KernelSocket> Udp(int port) => Read("udp", "udp6").Where(s => s.LocalPort == port || s.RemotePort == port).ToList();

    /// <summary>Every TCP and UDP socket of this user — for a test that nothing of ours is bound beyond loopback.</summary>
    public static IReadOnlyList<KernelSocket> OfCurrentUser() => Read("tcp", "tcp6", "udp", "udp6").Where(s => s.Uid == Tmds.Linux.LibC.getuid()).ToList();

    /// <summary>Whether a socket listed there is bound to (or connected from) an address other than loopback.</summary>
    public static bool IsLoopbackOnly(KernelSocket socket) => socket.LoopbackOnly;

    internal static KernelSocket? OfInode(ulong inode) => inode == 0 ? null : Read("tcp", "tcp6", "udp", "udp6").FirstOrDefault(s => s.Inode == inode);

    private static IEnumerable<KernelSocket> Read(params string[] tables) => ProcNet.Read(tables).Select(e =>
        new KernelSocket(e.Table, Socket.Show(e.LocalIp, e.LocalPort), Socket.Show(e.RemoteIp, e.RemotePort), e.State, e.RxQueue, e.Uid, e.Inode, e.Drops)
        {
            LocalPort = e.LocalPort,
            RemotePort = e.RemotePort,
            LoopbackOnly = System.Net.IPAddress.IsLoopback(new System.Net.IPAddress(e.LocalIp)),
        });
}
