using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Ipc.Lab.Native.SocketCalls;

namespace Ipc.Lab.Sockets;

/// <summary>A socket: socket(2) and the calls of the lecture's state diagram, named as in C — <see cref="Create"/>,
/// <see cref="SetOption"/>, <see cref="Bind"/>, <see cref="Listen"/>, <see cref="Accept"/>, <see cref="Connect"/>,
/// <see cref="Send(string, TimeSpan?)"/>/<see cref="Recv(int, TimeSpan?)"/>, <see cref="Shutdown"/>, Close. It is
/// the kernel's own descriptor (close-on-exec), so Fork.Run can hand it to a child. Every call that can block
/// waits at most its timeout (<see cref="Lab.DefaultTimeout"/> if none is given) and then says what waited for
/// what. IP sockets use loopback only (see <see cref="SockAddr"/>); Unix socket files live in the run's private
/// directory, and the socket that bound one removes it when closed (and the guardian, if we are killed).</summary>
public sealed class Socket : FileDescriptor, IChildTransferable<Socket>
{
    private string? _boundPath;
    private bool _listening;
    private bool _localFixed;

    private Socket(int fd, int domain, int type, string description) : base(fd, description)
    {
        Domain = domain;
        Type = type;
    }

    /// <summary>AF_INET, AF_INET6 or AF_UNIX: the first argument of socket().</summary>
    public int Domain { get; }

    /// <summary>SOCK_STREAM or SOCK_DGRAM: the second argument of socket().</summary>
    public int Type { get; }

    /// <summary>The protocol the kernel chose for protocol 0 (IPPROTO_TCP = 6, IPPROTO_UDP = 17; 0 for Unix sockets).</summary>
    public int Protocol => GetOption(SocketConstants.SOL_SOCKET, SocketConstants.SO_PROTOCOL);

    /// <summary>socket(domain, type, protocol), close-on-exec.</summary>
    public static Socket Create(int domain, int type, int protocol = 0)
    {
        int fd = SocketCalls.Socket(domain, type, protocol);
        var socket = new Socket(fd, domain, type, $"{KindOf(domain, type)} socket");
        EventTrace.Record(TraceKind.Note, $"socket({FamilyName(domain)}, {TypeName(type)}, {protocol}) → fd {fd}", fd);
        return socket;
    }

    /// <summary>socket(AF_INET, SOCK_STREAM, 0), or AF_INET6.</summary>
    public static Socket Tcp(bool ipv6 = false) => Create(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM);

    /// <summary>socket(AF_INET, SOCK_DGRAM, 0), or AF_INET6.</summary>
    public static Socket Udp(bool ipv6 = false) => Create(ipv6 ? AF_INET6 : AF_INET, SOCK_DGRAM);

    /// <summary>socket(AF_UNIX, type, 0).</summary>
    public static Socket Unix(int type = SOCK_STREAM) => Create(AF_UNIX, type);

    /// <summary>socketpair(AF_UNIX, type, 0): two sockets connected to each other, without names — a pipe
    /// that goes both ways (and carries descriptors and credentials).</summary>
    public static (Socket A, Socket B) Pair(int type = SOCK_STREAM)
    {
        var (a, b) = Sys.SocketPair(type);
        string kind = KindOf(AF_UNIX, type);
        EventTrace.Record(TraceKind.Note, $"socketpair(AF_UNIX, {TypeName(type)}, 0) → fds {a} and {b}");
        return (new Socket(a, AF_UNIX, type, $"{kind} socket (pair)"), new Socket(b, AF_UNIX, type, $"{kind} socket (pair)"));
    }

    // ---- options ----

    /// <summary>setsockopt(fd, level, name, &amp;value, sizeof(int)). Option names are numbers, not bit flags: the
    /// kernel takes exactly the number it is given.</summary>
    public void SetOption(int level, int name, int value) => SetInt(Fd, level, name, value, What);

    /// <summary>getsockopt(fd, level, name, &amp;value, &amp;len): the option's value now.</summary>
    public int GetOption(int level, int name) => GetInt(Fd, level, name, What);

    /// <summary>SO_REUSEADDR: bind a port that still has connections in TIME_WAIT.</summary>
    public bool ReuseAddress
    {
        get => GetOption(SocketConstants.SOL_SOCKET, SO_REUSEADDR) != 0;
        set => SetOption(SocketConstants.SOL_SOCKET, SO_REUSEADDR, value ? 1 : 0);
    }

    /// <summary>SO_REUSEPORT: several sockets of the same user bound to one address and port.</summary>
    public bool ReusePort
    {
        get => GetOption(SocketConstants.SOL_SOCKET, SO_REUSEPORT) != 0;
        set => SetOption(SocketConstants.SOL_SOCKET, SO_REUSEPORT, value ? 1 : 0);
    }

    /// <summary>SO_RCVBUF: the kernel's receive buffer, in bytes (Linux reports double what was set: half is bookkeeping).</summary>
    public int ReceiveBufferSize
    {
        get => GetOption(SocketConstants.SOL_SOCKET, SO_RCVBUF);
        set => SetOption(SocketConstants.SOL_SOCKET, SO_RCVBUF, value);
    }

    /// <summary>SO_SNDBUF: the kernel's send buffer, in bytes.</summary>
    public int SendBufferSize
    {
        get => GetOption(SocketConstants.SOL_SOCKET, SO_SNDBUF);
        set => SetOption(SocketConstants.SOL_SOCKET, SO_SNDBUF, value);
    }

    /// <summary>TCP_NODELAY: send small writes at once instead of waiting to coalesce them (Nagle's algorithm).</summary>
    public bool NoDelay
    {
        get => GetOption(IPPROTO_TCP, TCP_NODELAY) != 0;
        set => SetOption(IPPROTO_TCP, TCP_NODELAY, value ? 1 : 0);
    }

    // ---- the state diagram ----

    /// <summary>bind(fd, address): gives the socket its address. Port 0 lets the kernel pick a free port (read it
    /// back from <see cref="LocalAddress"/>). A Unix socket binds a path in the run directory
    /// (<see cref="SockAddr.Unix"/>), which this socket removes when it is closed.</summary>
    public void Bind(SockAddr address)
    {
        ArgumentNullException.ThrowIfNull(address);
        CheckFamily(address, "bind");
        if (address.Family == AF_UNIX && !address.InRunDirectory)
            throw new ArgumentException($"Refused: {address.Path} is outside the run's private directory. Socket files of this course are made there (mode 0700, so only you can connect, and removed after the run): bind SockAddr.Unix(\"name\").", nameof(address));
        try
        {
            SocketCalls.Bind(Fd, address.Encode(), $"{What}, bind to {address}");
        }
        catch (SyscallException e) when (e.Errno == Errno.EADDRINUSE)
        {
            throw Explain.Failure(NativeCall.Bind, e.Errno, $"{What}, bind to {address}{Holder(address)}");
        }
        if (address.Family == AF_UNIX) _boundPath = address.Path;
        _localFixed = true;
        EventTrace.Record(TraceKind.Note, $"bind fd {Fd} to {LocalAddress}", Fd);
    }

    /// <summary>bind to 127.0.0.1 (or ::1) and a port; 0 for any free port.</summary>
    public void Bind(int port) => Bind(Domain == AF_INET6 ? SockAddr.Loopback6(port) : SockAddr.Loopback(port));

    /// <summary>Who holds the address, when the kernel's tables say (our user's processes only).</summary>
    private string Holder(SockAddr address)
    {
        if (address.Family == AF_UNIX) return "; the socket file exists already";
        var tables = Type == SOCK_STREAM ? new[] { "tcp", "tcp6" } : ["udp", "udp6"];
        var entries = ProcNet.Read(tables).Where(e => e.LocalPort == address.Port).ToList();
        var holders = entries.Where(e => e.Inode != 0)
            .SelectMany(e => ProcNet.Holders(e.Inode).Select(h => $"pid {h.Pid} ({h.Command}), {e.State} on {Show(e.LocalIp, e.LocalPort)}"))
            .Distinct().ToList();
        if (holders.Count > 0) return $"; the port is held by {string.Join("; ", holders)}";
        int waiting = entries.Count(e => e.State == "TIME_WAIT");
        return waiting > 0 ? $"; no process holds the port, but {waiting} connection(s) of it wait in TIME_WAIT (SO_REUSEADDR binds over them)"
            : "; the kernel lists no process of yours holding it (another user's process, then)";
    }

    /// <summary>listen(fd, backlog): makes a bound stream socket a listener. It does not wait for anything: from
    /// now on the kernel completes connections on its own and queues up to <paramref name="backlog"/> of them
    /// until <see cref="Accept"/> takes them.</summary>
    public void Listen(int backlog = 128)
    {
        SocketCalls.Listen(Fd, backlog, What);
        _listening = true;
        EventTrace.Record(TraceKind.Note, $"listen on {LocalAddress} (fd {Fd}), backlog {backlog}", Fd);
    }

    /// <summary>accept(fd): takes the next connection from the listener's queue, waiting at most the timeout for
    /// one. Returns the new connected socket; the listener goes on listening.</summary>
    public Socket Accept(TimeSpan? timeout = null)
    {
        int fd = Fd;
        int ms = Lab.ToMilliseconds(timeout);
        var where = SafeLocal();
        if (!NonBlocking) SetTimeout(fd, SO_RCVTIMEO, ms, What);
        int client;
        byte[] peer;
        if (EventTrace.Enabled) EventTrace.Record(TraceKind.Blocked, $"accept on {where} (fd {fd})", fd);
        using (Activity.Begin($"accept on {where} (fd {fd}), waiting for a client to connect"))
            client = SocketCalls.Accept(fd, out peer, What);
        if (client < 0)
        {
            if (NonBlocking) throw Explain.Failure(NativeCall.Accept, Errno.EAGAIN, What);
            throw new WaitTimeoutException($"{Who()} accept on {where} waited {Seconds(ms)} s; no client connected.{(_listening ? "" : " (This socket never called Listen.)")}");
        }
        var accepted = new Socket(client, Domain, Type, $"{KindOf(Domain, Type)} connection");
        EventTrace.Record(TraceKind.Woke, $"accept on {where} → fd {client}, peer {SockAddr.Decode(peer)}", client);
        return accepted;
    }

    /// <summary>connect(fd, address): for a stream socket, the handshake with a listener (done by the kernels,
    /// before the server calls accept); waits at most the timeout. For a datagram socket it only fixes the peer.</summary>
    public void Connect(SockAddr address, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        CheckFamily(address, "connect");
        int fd = Fd;
        int ms = Lab.ToMilliseconds(timeout);
        string context = $"{What}, connect to {address}";
        bool wasNonBlocking = NonBlocking;
        // A socket fresh from socket() is this process's alone: its O_NONBLOCK can be set for the connect.
        if (!wasNonBlocking) NonBlocking = true;
        try
        {
            long deadline = Environment.TickCount64 + ms;
            while (true)
            {
                int r = ConnectStart(fd, address.Encode(), context);
                if (r == 0) break;
                if (wasNonBlocking) throw Explain.Failure(NativeCall.Connect, r, context);
                int left = (int)Math.Max(0, deadline - Environment.TickCount64);
                short ready;
                using (Activity.Begin($"connect to {address} (fd {fd}), waiting for the handshake"))
                    ready = left == 0 ? (short)0 : Sys.PollOne(fd, SocketConstants.POLLOUT, left);
                if (ready == 0)
                    throw new WaitTimeoutException($"{Who()} connect to {address} waited {Seconds(ms)} s; the connection was not established (the listener's accept queue is full: its backlog is reached, and nobody accepts).");
                if (r == Errno.EAGAIN) continue; // a Unix listener's queue had room again: try again
                ConnectFinish(fd, context);
                break;
            }
        }
        finally
        {
            if (!wasNonBlocking && !IsClosed) NonBlocking = false;
        }
        _localFixed = true; // connect chose the local address by the route: loopback for a loopback peer
        EventTrace.Record(TraceKind.Note, $"connect fd {fd}: {SafeLocal()} → {address}", fd);
    }

    /// <summary>connect to 127.0.0.1 (or ::1) and a port.</summary>
    public void Connect(int port, TimeSpan? timeout = null) => Connect(Domain == AF_INET6 ? SockAddr.Loopback6(port) : SockAddr.Loopback(port), timeout);

    /// <summary>shutdown(fd, how): SHUT_WR ends this side's sending — the peer reads end of file — while it can
    /// still receive; SHUT_RD the reverse; SHUT_RDWR both. Unlike close it acts on the connection, for every
    /// process holding it.</summary>
    public void Shutdown(int how)
    {
        SocketCalls.Shutdown(Fd, how, What);
        EventTrace.Record(TraceKind.Note, $"shutdown fd {Fd}, {(how switch { SHUT_RD => "SHUT_RD", SHUT_WR => "SHUT_WR", _ => "SHUT_RDWR" })}", Fd);
    }

    // ---- addresses ----

    /// <summary>getsockname: this socket's own address (after bind, or the one the kernel chose at connect).</summary>
    public SockAddr LocalAddress => SockAddr.Decode(SockName(Fd, peer: false, Description));

    /// <summary>getpeername: the address of the other end of the connection.</summary>
    public SockAddr PeerAddress => SockAddr.Decode(SockName(Fd, peer: true, Description));

    /// <summary>The port the socket is bound to (after Bind(0), the one the kernel picked).</summary>
    public int Port => LocalAddress.Port;

    /// <summary>SO_PEERCRED: the process at the other end of a Unix socket, as the kernel recorded it at connect
    /// (or socketpair) — its pid, user and group. It cannot be forged by the peer.</summary>
    public PeerCred PeerCredentials
    {
        get
        {
            var c = PeerCred(Fd, What);
            return new PeerCred(c.pid, c.uid, c.gid);
        }
    }

    // ---- data ----

    /// <summary>send(fd, data): all of it, as a blocking send on a stream socket does, waiting at most the timeout
    /// for room. A datagram socket sends it as one datagram to its connected peer. Returns the bytes sent.</summary>
    public int Send(ReadOnlySpan<byte> data, TimeSpan? timeout = null) => SendAll(data, null, NativeCall.Send, timeout);

    /// <summary>Sends the text as UTF-8 (without a NUL: C's strlen(hello) does not count it either).</summary>
    public int Send(string text, TimeSpan? timeout = null) => Send(Encoding.UTF8.GetBytes(text), timeout);

    /// <summary>sendto(fd, data, address): one datagram to that address.</summary>
    public int SendTo(ReadOnlySpan<byte> data, SockAddr to, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(to);
        CheckFamily(to, "sendto");
        if (!_localFixed && Domain != AF_UNIX) BindLoopbackIfUnbound();
        return SendAll(data, to, NativeCall.SendTo, timeout);
    }

    /// <summary>The first sendto of an unbound UDP socket makes the kernel bind it on its own (inet_autobind) — to
    /// a free port on 0.0.0.0 (or ::), every interface, where any machine could send it datagrams. Binding it to
    /// loopback first keeps it where the course's sockets are.</summary>
    private void BindLoopbackIfUnbound()
    {
        if (LocalAddress.Port == 0) Bind(0);
        _localFixed = true;
    }

    public int SendTo(string text, SockAddr to, TimeSpan? timeout = null) => SendTo(Encoding.UTF8.GetBytes(text), to, timeout);

    private int SendAll(ReadOnlySpan<byte> data, SockAddr? to, NativeCall call, TimeSpan? timeout)
    {
        int fd = Fd;
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        var address = to?.Encode() ?? [];
        int total = 0;
        do
        {
            int n;
            // The socket in words (two more system calls) only when something failed: a send is the hot path.
            try { n = SendToNoWait(fd, data[total..], 0, address, null, call); }
            catch (SyscallException e) { throw Explain.Failure(call, e.Errno, to is null ? What : $"{What}, to {to}"); }
            if (n >= 0)
            {
                if (EventTrace.Enabled) EventTrace.Record(TraceKind.Wrote, $"{call} {n} bytes on {Description} (fd {fd})", fd, n);
                total += n;
                if (Type != SOCK_STREAM) break; // a datagram goes whole or not at all
                continue;
            }
            if (NonBlocking)
            {
                if (total > 0) return total;
                throw Explain.Failure(call, Errno.EAGAIN, What);
            }
            Wait(fd, SocketConstants.POLLOUT, deadline, ms, call,
                "the send buffer stayed full: nobody reads at the other end" + (total > 0 ? $" ({total} of {data.Length} bytes sent)" : ""));
        } while (total < data.Length);
        return total;
    }

    /// <summary>recv(fd, buf, max): one call. On a stream it returns what has arrived, at most
    /// <paramref name="max"/> bytes — maybe fewer than the peer sent in one send — and an empty array at end of
    /// stream (the peer closed or shut down its sending side). On a datagram socket: one datagram, cut to max.</summary>
    public byte[] Recv(int max, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var buffer = new byte[max];
        int n = RecvOnce(buffer, NativeCall.Recv, timeout, out _, out _);
        return buffer[..n];
    }

    /// <summary>One recv into <paramref name="buffer"/>; the number of bytes, 0 at end of stream.</summary>
    public int Recv(Span<byte> buffer, TimeSpan? timeout = null) => RecvOnce(buffer, NativeCall.Recv, timeout, out _, out _);

    /// <summary>One recv, as text up to the first NUL — what C's printf("%s", buffer) prints.</summary>
    public string RecvString(int max = 1024, TimeSpan? timeout = null)
    {
        var bytes = Recv(max, timeout);
        int nul = Array.IndexOf(bytes, (byte)0);
        return Encoding.UTF8.GetString(bytes, 0, nul >= 0 ? nul : bytes.Length);
    }

    /// <summary>recv until exactly <paramref name="count"/> bytes arrived (as many calls as it takes); fails if the
    /// stream ends first.</summary>
    public byte[] RecvExactly(int count, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var buffer = new byte[count];
        RecvExactly(buffer, timeout);
        return buffer;
    }

    /// <summary>Fills <paramref name="buffer"/> whole, as <see cref="RecvExactly(int, TimeSpan?)"/> does, into memory
    /// the caller owns: a measuring loop allocates nothing per message.</summary>
    public void RecvExactly(Span<byte> buffer, TimeSpan? timeout = null)
    {
        int got = 0;
        while (got < buffer.Length)
        {
            int n = RecvOnce(buffer[got..], NativeCall.Recv, timeout, out _, out _);
            if (n == 0) throw new EndOfStreamException($"The {Description} reached end of stream after {got} of {buffer.Length} bytes: the peer closed or shut down its side.");
            got += n;
        }
    }

    /// <summary>recv until end of stream (the peer closed, or called shutdown(SHUT_WR)), as UTF-8 text.</summary>
    public string RecvToEnd(TimeSpan? timeout = null)
    {
        var all = new MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = RecvOnce(buffer, NativeCall.Recv, timeout, out _, out _)) > 0) all.Write(buffer, 0, n);
        return Encoding.UTF8.GetString(all.ToArray());
    }

    /// <summary>recvfrom: one datagram (at most <paramref name="max"/> bytes of it; the rest of a longer one is
    /// lost, and <see cref="Datagram.Truncated"/> says so) and who sent it.</summary>
    public Datagram RecvFrom(int max = 65536, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(max);
        var buffer = new byte[max];
        int n = RecvOnce(buffer, NativeCall.RecvFrom, timeout, out var from, out int length);
        return new Datagram(buffer[..n], from, length > n);
    }

    private int RecvOnce(Span<byte> buffer, NativeCall call, TimeSpan? timeout, out SockAddr from, out int length)
    {
        int fd = Fd;
        int ms = Lab.ToMilliseconds(timeout);
        var deadline = BoundedCall.Deadline.In(ms);
        // MSG_TRUNC: a datagram socket returns the datagram's real length, so a cut one is noticed.
        int flags = Type == SOCK_STREAM ? 0 : MSG_TRUNC;
        if (call == NativeCall.Recv && !EventTrace.Enabled && ms >= BoundedCall.ShortestTimeoutMs && BoundedCall.Available)
        {
            // One blocking recv, as in C, whether data is there or not (an O_NONBLOCK socket returns EAGAIN at once).
            long got = RecvBounded(fd, buffer, flags, deadline, _recvWait ??= $"{call} on {Description} (fd {fd}), waiting", out int error);
            if (got == BoundedCall.TimedOut) throw new WaitTimeoutException($"{Who()} {call} on {What} waited {Seconds(ms)} s; {Never()}.");
            if (got < 0) throw Explain.Failure(call, error, What);
            length = (int)got;
            from = Unnamed;
            return Math.Min(length, buffer.Length);
        }
        var address = call == NativeCall.RecvFrom ? new byte[SockaddrStorageSize] : null;
        // A receiver that had to wait last time (ping-pong) will most likely wait again: poll first, and save the
        // recv that would fail with EAGAIN. With the trace on, the exact order is kept instead.
        if (_lastRecvWaited && !EventTrace.Enabled && Sys.PollOne(fd, SocketConstants.POLLIN, 0) == 0 && !NonBlocking)
            Wait(fd, SocketConstants.POLLIN, deadline.End, ms, call, Never(), record: false);
        _lastRecvWaited = false;
        while (true)
        {
            int n;
            try { n = RecvNoWait(fd, buffer, flags, address, out int addressLength, null, call); address = address?[..Math.Min(addressLength, address.Length)]; }
            catch (SyscallException e) { throw Explain.Failure(call, e.Errno, What); }
            if (n >= 0)
            {
                length = n;
                n = Math.Min(n, buffer.Length);
                from = address is null ? Unnamed : SockAddr.Decode(address);
                if (EventTrace.Enabled)
                {
                    if (n == 0 && Type == SOCK_STREAM) EventTrace.Record(TraceKind.EndOfFile, $"{call} on {Description} (fd {fd}) returned 0: end of stream", fd, 0);
                    else EventTrace.Record(TraceKind.Read, $"{call} {n} bytes from {Description} (fd {fd})", fd, n);
                }
                return n;
            }
            if (NonBlocking) throw Explain.Failure(call, Errno.EAGAIN, What);
            _lastRecvWaited = true;
            address = address is null ? null : new byte[SockaddrStorageSize];
            Wait(fd, SocketConstants.POLLIN, deadline.End, ms, call, Never());
        }
    }

    private bool _lastRecvWaited;
    private string? _recvWait;

    private static readonly SockAddr Unnamed = SockAddr.Decode([]);

    private string Never() => Type == SOCK_STREAM ? "no data arrived (the peer sent nothing, and did not close its side)" : "no datagram arrived";

    /// <summary>Waits for the socket to become ready, at most until the deadline; else fails saying what waited for what.</summary>
    private void Wait(int fd, short events, long deadline, int ms, NativeCall call, string never, bool record = true)
    {
        int left = (int)Math.Max(0, deadline - Environment.TickCount64);
        short ready = 0;
        if (record && EventTrace.Enabled) EventTrace.Record(TraceKind.Blocked, $"blocked in {call} on {Description} (fd {fd})", fd);
        if (left > 0)
            using (Activity.Begin($"{call} on {Description} (fd {fd}), waiting"))
                ready = Sys.PollOne(fd, events, left);
        if (ready == 0) throw new WaitTimeoutException($"{Who()} {call} on {What} waited {Seconds(ms)} s; {never}.");
        if (record && EventTrace.Enabled) EventTrace.Record(TraceKind.Woke, $"woke in {call} on {Description} (fd {fd})", fd);
    }

    /// <summary>How many bytes have arrived and wait to be received (ioctl FIONREAD).</summary>
    public int BytesAvailable => Sys.BytesAvailable(Fd);

    // ---- descriptors and poll ----

    /// <summary>sendmsg with SCM_RIGHTS (Unix sockets only): sends a message and copies of open descriptors; the
    /// receiving process gets new numbers for the same open files (the same pipe, the same socket).</summary>
    public void SendDescriptors(string message, params FileDescriptor[] descriptors)
    {
        if (Domain != AF_UNIX) throw new InvalidOperationException($"Descriptors travel over Unix sockets only (SCM_RIGHTS); this is a {Description}.");
        if (string.IsNullOrEmpty(message)) throw new ArgumentException("Send at least one byte with the descriptors: a stream socket does not deliver an empty message.", nameof(message));
        var data = Encoding.UTF8.GetBytes(message);
        Wait(Fd, SocketConstants.POLLOUT, Environment.TickCount64 + Lab.ToMilliseconds(null), Lab.ToMilliseconds(null), NativeCall.SendMsg, "the send buffer stayed full: nobody reads at the other end");
        ScmRights.Send(Fd, data, descriptors.Select(d => d.Fd).ToArray(), $"{What}, passing {descriptors.Length} descriptor(s)", MSG_DONTWAIT);
        EventTrace.Record(TraceKind.Wrote, $"sendmsg {data.Length} bytes and {descriptors.Length} descriptor(s) (SCM_RIGHTS) on {Description} (fd {Fd})", Fd, data.Length);
    }

    /// <summary>recvmsg: a message and the descriptors that came with it (new numbers in this process, close-on-exec).</summary>
    public (string Message, IReadOnlyList<ReceivedDescriptor> Descriptors) RecvDescriptors(int maxDescriptors = 8, TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        Wait(Fd, SocketConstants.POLLIN, Environment.TickCount64 + ms, ms, NativeCall.RecvMsg, "no message with descriptors arrived");
        var buffer = new byte[4096];
        int n = ScmRights.Receive(Fd, buffer, maxDescriptors, out var fds, $"{What}, receiving descriptors");
        EventTrace.Record(TraceKind.Read, $"recvmsg {n} bytes and {fds.Length} descriptor(s) (SCM_RIGHTS) on {Description} (fd {Fd})", Fd, n);
        return (Encoding.UTF8.GetString(buffer, 0, n), fds.Select(fd => new ReceivedDescriptor(fd)).ToArray());
    }

    /// <summary>poll(2) over several sockets: waits until at least one is readable (data, a connection to accept,
    /// or end of stream), at most the timeout, and returns those that are — an empty list when the time ran out.</summary>
    public static IReadOnlyList<Socket> Poll(IEnumerable<Socket> sockets, TimeSpan? timeout = null)
    {
        var list = sockets.ToList();
        var ready = new short[list.Count];
        Sys.Poll(list.Select(s => (s.Fd, SocketConstants.POLLIN)).ToArray(), ready, Lab.ToMilliseconds(timeout));
        return list.Where((_, i) => ready[i] != 0).ToList();
    }

    // ---- the kernel's view ----

    /// <summary>This socket's state as the kernel lists it in /proc/net/tcp (or tcp6, udp, udp6): LISTEN,
    /// ESTABLISHED, CLOSE_WAIT ...; null when the kernel does not list it there (a Unix socket).</summary>
    public string? KernelState => KernelView?.State;

    /// <summary>This socket's line in /proc/net/tcp, tcp6, udp or udp6 — its state, queue and, for UDP, the
    /// datagrams the kernel dropped for lack of room in its receive buffer; null when the kernel does not list it
    /// there (a Unix socket, or a TCP socket that neither listens nor is connected).</summary>
    public KernelSocket? KernelView => KernelSockets.OfInode(SocketCalls.Inode(Fd));

    // ---- life ----

    /// <summary>The same socket in a child: it arrives at fd 3 (or the next free number).</summary>
    public ChildTransfer PrepareTransfer() => new([this], $"{Domain} {Type} {(_listening ? 1 : 0)} {Description}");

    static Socket IChildTransferable<Socket>.FromTransfer(int[] fds, string state)
    {
        var p = state.Split(' ', 4);
        return new Socket(fds[0], int.Parse(p[0]), int.Parse(p[1]), p[3]) { _listening = p[2] == "1" };
    }

    protected override void OnClosed()
    {
        // The file of a bound Unix socket outlives the socket (as in C, where the server must unlink it): the
        // socket that bound it removes it.
        if (Interlocked.Exchange(ref _boundPath, null) is { } path)
        {
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The socket in words, for messages: "TCP listener 127.0.0.1:41235 (fd 5)",
    /// "TCP connection 127.0.0.1:41235 ⇄ 127.0.0.1:50112 (fd 6)".</summary>
    private string What => IsClosed ? $"{Description} (closed)" : $"{Description} {Endpoints()} (fd {Number})".Replace("  ", " ");

    private string Endpoints()
    {
        var local = SafeLocal();
        if (_listening) return $"listening on {local}";
        try { return $"{local} ⇄ {PeerAddress}"; }
        catch (SyscallException) { return local is "(unnamed)" or "0.0.0.0:0" or "[::]:0" ? "" : local; }
    }

    private string SafeLocal()
    {
        try { return LocalAddress.ToString(); }
        catch (SyscallException) { return "?"; }
    }

    public override string ToString() => What;

    private void CheckFamily(SockAddr address, string call)
    {
        if (address.Family != Domain)
            throw new ArgumentException($"{call}: the address {address} is {FamilyName(address.Family)}, but this socket was created with {FamilyName(Domain)}; a socket's family is fixed by socket(). Create the socket with the address's family.", nameof(address));
    }

    private static string Who() => EventTrace.ProcessName == "parent" ? "The notebook's" : $"Child '{EventTrace.ProcessName}':";

    private static string Seconds(int ms) => $"{ms / 1000.0:0.###}";

    internal static string Show(byte[] ip, int port) => ip.Length == 4 ? $"{new System.Net.IPAddress(ip)}:{port}" : $"[{new System.Net.IPAddress(ip)}]:{port}";

    private static string KindOf(int domain, int type) => (domain, type) switch
    {
        (AF_INET, SOCK_STREAM) => "TCP",
        (AF_INET6, SOCK_STREAM) => "TCP/IPv6",
        (AF_INET, SOCK_DGRAM) => "UDP",
        (AF_INET6, SOCK_DGRAM) => "UDP/IPv6",
        (AF_UNIX, SOCK_STREAM) => "Unix stream",
        (AF_UNIX, SOCK_DGRAM) => "Unix datagram",
        (AF_UNIX, SOCK_SEQPACKET) => "Unix seqpacket",
        _ => $"{FamilyName(domain)}/{TypeName(type)}",
    };

    private static string FamilyName(int family) => family switch { AF_INET => "AF_INET", AF_INET6 => "AF_INET6", AF_UNIX => "AF_UNIX", _ => family.ToString() };

    private static string TypeName(int type) => type switch { SOCK_STREAM => "SOCK_STREAM", SOCK_DGRAM => "SOCK_DGRAM", SOCK_SEQPACKET => "SOCK_SEQPACKET", _ => type.ToString() };
}

/// <summary>What SO_PEERCRED says of the process at the other end of a Unix socket.</summary>
public sealed record PeerCred(int Pid, uint Uid, uint Gid);

/// <summary>One datagram as recvfrom gave it: the bytes, the sender, and whether it was longer than the buffer
/// (the rest is lost: a datagram is read whole or cut, never in pieces).</summary>
public sealed record Datagram(byte[] Data, SockAddr From, bool Truncated)
{
    public string Text => Encoding.UTF8.GetString(Data);
}
