using System.Buffers.Binary;
using System.Net;
using System.Text;
using Ipc.Lab.Io;
using static Ipc.Lab.Native.SocketCalls;

namespace Ipc.Lab.Sockets;

/// <summary>A socket address, C's struct sockaddr: an IP address and a port (AF_INET, AF_INET6), or a path
/// (AF_UNIX). Only loopback addresses can be made: this course never binds or connects beyond this machine, so
/// a server started in a notebook is never reachable from the network.</summary>
public sealed record SockAddr
{
    private SockAddr(int family, IPAddress? ip, int port, string? path)
    {
        Family = family;
        Ip = ip;
        Port = port;
        Path = path;
    }

    /// <summary>AF_INET, AF_INET6 or AF_UNIX.</summary>
    public int Family { get; }

    /// <summary>The IP address (null for AF_UNIX).</summary>
    public IPAddress? Ip { get; }

    /// <summary>The port (0 for AF_UNIX; 0 in a bind means "any free port, the kernel picks").</summary>
    public int Port { get; }

    /// <summary>The socket file's path (AF_UNIX only; empty for an unnamed socket, as socketpair's are).</summary>
    public string? Path { get; }

    /// <summary>127.0.0.1 and a port; port 0 lets the kernel pick a free one at bind.</summary>
    public static SockAddr Loopback(int port = 0) => Inet("127.0.0.1", port);

    /// <summary>::1, IPv6's loopback, and a port.</summary>
    public static SockAddr Loopback6(int port = 0) => Inet("::1", port);

    /// <summary>An IPv4 or IPv6 address and a port — loopback only. Anything else is refused, with the reason.</summary>
    public static SockAddr Inet(string ip, int port)
    {
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "A port is a 16-bit number: 0 to 65535 (0 in a bind: the kernel picks a free one).");
        if (!IPAddress.TryParse(ip, out var address))
            throw new ArgumentException($"'{ip}' is not an IP address. Write it in numbers, as inet_pton reads it: \"127.0.0.1\" or \"::1\" (no host names here).", nameof(ip));
        if (!IPAddress.IsLoopback(address))
            throw new ArgumentException(NotLoopback(address), nameof(ip));
        return new SockAddr(address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AF_INET6 : AF_INET, address, port, null);
    }

    private static string NotLoopback(IPAddress address)
    {
        bool any = address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);
        string what = any
            ? $"{address} is INADDR_ANY{(address.Equals(IPAddress.IPv6Any) ? " (in6addr_any)" : "")}: every interface of this machine, so a server bound there — as server.c binds — takes connections from any network this machine is on"
            : $"{address} is not a loopback address: a socket there talks to (or is reachable from) the network";
        return $"Refused: {what}. This course uses loopback only (127.0.0.0/8 and ::1), which no other machine can reach. Use SockAddr.Loopback(port) — 127.0.0.1 — or SockAddr.Loopback6(port).";
    }

    /// <summary>A Unix socket's address in the run's private directory (mode 0700: only you can connect): the
    /// server binds it, and passes its <see cref="Path"/> to clients.</summary>
    public static SockAddr Unix(string name) => UnixPath(RunDirectory.NewPath(name));

    /// <summary>A Unix socket's address by its path (to connect to a socket another process bound).</summary>
    public static SockAddr UnixPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int bytes = Encoding.UTF8.GetByteCount(path);
        if (bytes > SunPathSize - 1)
            throw new ArgumentException(
                $"The Unix socket path is {bytes} bytes long: {path}. struct sockaddr_un's sun_path holds {SunPathSize} bytes, the terminating NUL included, so a path has at most {SunPathSize - 1}; bind or connect would fail with EINVAL (and C code that copies with strncpy silently cuts the name). Use a shorter name.",
                nameof(path));
        return new SockAddr(AF_UNIX, null, 0, path);
    }

    /// <summary>The same address with another port (e.g. the port the kernel picked).</summary>
    public SockAddr WithPort(int port) => Ip is null ? this : new SockAddr(Family, Ip, port, null);

    /// <summary>Whether a socket address of this process may be bound here: loopback, or a path in the run directory.</summary>
    internal bool InRunDirectory => Path is { Length: > 0 } p && System.IO.Path.GetDirectoryName(p) == RunDirectory.Path;

    /// <summary>The bytes of struct sockaddr_in, sockaddr_in6 or sockaddr_un, as bind and connect take them.</summary>
    internal byte[] Encode()
    {
        switch (Family)
        {
            case AF_INET:
            {
                var b = new byte[16];
                BitConverter.TryWriteBytes(b.AsSpan(0, 2), (ushort)AF_INET);
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)Port); // htons
                Ip!.GetAddressBytes().CopyTo(b, 4);
                return b;
            }
            case AF_INET6:
            {
                var b = new byte[28];
                BitConverter.TryWriteBytes(b.AsSpan(0, 2), (ushort)AF_INET6);
                BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)Port);
                Ip!.GetAddressBytes().CopyTo(b, 8);
                return b;
            }
            default:
            {
                var path = Encoding.UTF8.GetBytes(Path ?? "");
                var b = new byte[2 + path.Length + 1];
                BitConverter.TryWriteBytes(b.AsSpan(0, 2), (ushort)AF_UNIX);
                path.CopyTo(b, 2);
                return b;
            }
        }
    }

    /// <summary>What getsockname, getpeername, accept or recvfrom wrote. Not checked for loopback: it is what
    /// the kernel says, and a socket of ours only ever has loopback peers.</summary>
    internal static SockAddr Decode(ReadOnlySpan<byte> b)
    {
        if (b.Length < 2) return new SockAddr(AF_UNIX, null, 0, ""); // an unnamed Unix socket: only the family, or nothing
        int family = BitConverter.ToUInt16(b[..2]);
        return family switch
        {
            AF_INET => new SockAddr(AF_INET, new IPAddress(b.Slice(4, 4)), BinaryPrimitives.ReadUInt16BigEndian(b[2..]), null),
            AF_INET6 => new SockAddr(AF_INET6, new IPAddress(b.Slice(8, 16)), BinaryPrimitives.ReadUInt16BigEndian(b[2..]), null),
            _ => new SockAddr(AF_UNIX, null, 0, UnixPathOf(b[2..])),
        };
    }

    private static string UnixPathOf(ReadOnlySpan<byte> path)
    {
        int nul = path.IndexOf((byte)0);
        // A leading NUL is Linux's abstract namespace; this course does not make such sockets, but show them as ss does.
        if (nul == 0) return "@" + Encoding.UTF8.GetString(path[1..]);
        return Encoding.UTF8.GetString(nul >= 0 ? path[..nul] : path);
    }

    /// <summary>"127.0.0.1:41235", "[::1]:41235", or the path ("(unnamed)" for a socketpair end).</summary>
    public override string ToString() => Family switch
    {
        AF_INET => $"{Ip}:{Port}",
        AF_INET6 => $"[{Ip}]:{Port}",
        _ => string.IsNullOrEmpty(Path) ? "(unnamed)" : Path,
    };
}
