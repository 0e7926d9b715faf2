using System.Globalization;

namespace Ipc.Lab.Native;

/// <summary>One line of /proc/net/tcp, tcp6, udp or udp6: the kernel's own list of its sockets of that kind.
/// Addresses come as bytes in network order, ports as numbers. For a listening socket RxQueue is how many
/// connections wait in its accept queue (its limit, the backlog, is not in this file: ss asks netlink for it).
/// Drops is the udp tables' last column: datagrams the kernel threw away because this socket's receive buffer was
/// full (null for TCP, which never drops: its sender waits).</summary>
internal sealed record ProcNetEntry(string Table, byte[] LocalIp, int LocalPort, byte[] RemoteIp, int RemotePort,
    string State, long TxQueue, long RxQueue, uint Uid, ulong Inode, long? Drops = null);

internal static class ProcNet
{
    // include/net/tcp_states.h. UDP reuses the numbers: an unconnected UDP socket shows 07 (CLOSE), a connected one 01.
    private static readonly string[] States =
    [
        "?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",
        "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV",
    ];

    /// <summary>Every entry of the given tables ("tcp", "tcp6", "udp", "udp6"); a table this kernel lacks (no
    /// IPv6) gives nothing.</summary>
    public static List<ProcNetEntry> Read(params string[] tables)
    {
        var entries = new List<ProcNetEntry>();
        foreach (var table in tables)
        {
            string[] lines;
            try { lines = File.ReadAllLines($"/proc/net/{table}"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            foreach (var line in lines.Skip(1))
                if (Parse(table, line) is { } entry) entries.Add(entry);
        }
        return entries;
    }

    /// <summary>"  0: 0100007F:A0F3 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000  0 12345 ..."; a udp
    /// line ends "... inode ref pointer drops" (net/ipv4/udp.c, udp4_format_sock).</summary>
    internal static ProcNetEntry? Parse(string table, string line)
    {
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (f.Length < 10) return null;
        var (localIp, localPort) = Endpoint(f[1]);
        var (remoteIp, remotePort) = Endpoint(f[2]);
        int state = int.Parse(f[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var queues = f[4].Split(':');
        return new ProcNetEntry(table, localIp, localPort, remoteIp, remotePort,
            state < States.Length ? States[state] : $"state {state}",
            long.Parse(queues[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            long.Parse(queues[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
            uint.Parse(f[7], CultureInfo.InvariantCulture), ulong.Parse(f[9], CultureInfo.InvariantCulture),
            table.StartsWith("udp", StringComparison.Ordinal) && f.Length > 12 ? long.Parse(f[12], CultureInfo.InvariantCulture) : null);
    }

    /// <summary>"0100007F:1F90": the address as the kernel holds it in memory, 32 bits at a time in this machine's
    /// byte order (little-endian here: 127.0.0.1 reads 0100007F), then the port in hex.</summary>
    private static (byte[] Ip, int Port) Endpoint(string text)
    {
        int colon = text.IndexOf(':');
        var hex = text[..colon];
        var ip = new byte[hex.Length / 2];
        for (int word = 0; word < hex.Length / 8; word++)
        {
            uint value = uint.Parse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            var bytes = BitConverter.GetBytes(value); // back to memory order: the network order the kernel stored
            if (!BitConverter.IsLittleEndian) Array.Reverse(bytes);
            bytes.CopyTo(ip, word * 4);
        }
        return (ip, int.Parse(text[(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
    }

    /// <summary>The processes (pid, command name) that hold a descriptor for the socket with this inode — the
    /// ones whose /proc/PID/fd we may read (our user's).</summary>
    public static List<(int Pid, string Command)> Holders(ulong inode)
    {
        var holders = new List<(int, string)>();
        if (inode == 0) return holders;
        string target = $"socket:[{inode}]";
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles(Path.Combine(dir, "fd")))
                {
                    if (new FileInfo(fd).LinkTarget != target) continue;
                    holders.Add((pid, File.ReadAllText(Path.Combine(dir, "comm")).Trim()));
                    break;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return holders;
    }
}
