using System.Reflection;
using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Sockets;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;
using static Ipc.Lab.Sockets.SocketConstants;

namespace Ipc.Lab.Tests;

/// <summary>Sockets between real processes — TCP and UDP over IPv4 and IPv6 loopback, Unix stream and datagram
/// sockets, socketpair, SCM_RIGHTS, SO_PEERCRED — every bad input, and nothing left behind: after each test this
/// process holds no listener and no socket file of its own remains in the run directory.</summary>
public class SocketTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    public void Dispose()
    {
        Assert.Empty(OwnSocketFiles());
        Assert.Empty(OwnListeners());
        GC.SuppressFinalize(this);
    }

    /// <summary>Socket files this process (or a child of its run) left in the run directory.</summary>
    private static string[] OwnSocketFiles() => SocketFilesIn(RunDirectory.Path, $"{Environment.ProcessId}-*");

    /// <summary>Socket files (find -type s) whose names match the pattern: .NET has no call that tells a socket file apart.</summary>
    private static string[] SocketFilesIn(string dir, string pattern)
    {
        using var find = Command.Start("find", dir, "-maxdepth", "1", "-type", "s", "-name", pattern);
        Assert.True(find.Wait(Long).Success);
        return find.Output.Where(l => !l.IsError && l.Text.Length > 0).Select(l => l.Text).ToArray();
    }

    private static bool IsSocketFile(string path) => SocketFilesIn(Path.GetDirectoryName(path)!, Path.GetFileName(path)).Length == 1;

    /// <summary>TCP sockets in LISTEN that a descriptor of this process refers to.</summary>
    private static List<KernelSocket> OwnListeners()
    {
        var mine = Proc.OpenDescriptorTargets().Where(t => t.StartsWith("socket:[", StringComparison.Ordinal))
            .Select(t => ulong.Parse(t["socket:[".Length..^1])).ToHashSet();
        return KernelSockets.OfCurrentUser().Where(s => s.State == "LISTEN" && mine.Contains(s.Inode)).ToList();
    }

    private static Socket Listener(bool ipv6 = false)
    {
        var server = Socket.Tcp(ipv6);
        server.Bind(0);
        server.Listen();
        return server;
    }

    [Fact]
    public void The_lecture_s_server_and_client_exchange_their_hello_lines_between_two_processes()
    {
        using var server = Listener();
        int port = server.Port;
        using var child = Fork.Run(server, listener =>
        {
            using var connection = listener.Accept(TimeSpan.FromSeconds(30));
            Console.WriteLine(connection.RecvString(1024));
            connection.Send("Hello from server");
            Console.WriteLine("Hello message sent");
        }, name: "server");
        server.Close(); // the child holds the listener now

        using var client = Socket.Tcp();
        client.Connect(port, Long);
        client.Send("Hello from client");
        string reply = client.RecvToEnd(Long);

        Assert.Equal("Hello from server", reply);
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal("Hello from client\nHello message sent", child.StandardOutput);
    }

    [Fact]
    public void Over_IPv6_loopback_a_child_echoes_what_it_receives()
    {
        using var server = Listener(ipv6: true);
        Assert.Equal("::1", server.LocalAddress.Ip!.ToString());
        using var child = Fork.Run(server, listener =>
        {
            using var c = listener.Accept(TimeSpan.FromSeconds(30));
            c.Send(c.RecvString(100).ToUpperInvariant());
        }, name: "echo6");
        using var client = Socket.Tcp(ipv6: true);
        client.Connect(SockAddr.Loopback6(server.Port), Long);
        client.Send("over ipv6");
        Assert.Equal("OVER IPV6", client.RecvToEnd(Long));
        Assert.True(child.Wait(Long).Success);
        Assert.Equal(AF_INET6, server.Domain);
        Assert.Equal(IPPROTO_TCP, server.Protocol);
    }

    [Fact]
    public void The_4_tuple_tells_connections_to_one_server_port_apart()
    {
        using var server = Listener();
        var clients = Enumerable.Range(0, 3).Select(_ => Socket.Tcp()).ToList();
        try
        {
            foreach (var c in clients) c.Connect(server.Port, Long);
            var accepted = clients.Select(_ => server.Accept(Long)).ToList();
            var tuples = accepted.Select(a => (a.LocalAddress.ToString(), a.PeerAddress.ToString())).ToList();
            Assert.All(tuples, t => Assert.Equal(server.LocalAddress.ToString(), t.Item1));
            Assert.Equal(3, tuples.Select(t => t.Item2).Distinct().Count());
            Assert.Equal(clients.Select(c => c.LocalAddress.ToString()).Order(), tuples.Select(t => t.Item2).Order());
            var kernel = KernelSockets.Tcp(server.Port);
            Assert.Single(kernel, k => k.State == "LISTEN");
            Assert.Equal(6, kernel.Count(k => k.State == "ESTABLISHED")); // each connection twice: client side and server side
            foreach (var a in accepted) a.Dispose();
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Fact]
    public void The_kernel_lists_LISTEN_then_ESTABLISHED_then_TIME_WAIT_for_the_side_that_closed_first()
    {
        using var server = Listener();
        int port = server.Port;
        Assert.Equal("LISTEN", server.KernelState);
        Assert.Equal(0, server.GetOption(SOL_SOCKET, SO_ERROR));
        Assert.Equal(1, server.GetOption(SOL_SOCKET, SO_ACCEPTCONN));
        var client = Socket.Tcp();
        client.Connect(port, Long);
        // The handshake is done before accept: the connection waits in the listener's queue.
        Assert.True(Proc.Eventually(() => KernelSockets.Tcp(port).Any(k => k.State == "LISTEN" && k.Queue == 1), Long));
        using var accepted = server.Accept(Long);
        Assert.Equal("ESTABLISHED", client.KernelState);
        Assert.Equal("ESTABLISHED", accepted.KernelState);
        var clientPort = client.Port;

        client.Close(); // the active close
        Assert.True(Proc.Eventually(() => accepted.KernelState == "CLOSE_WAIT", Long));
        accepted.Close();
        Assert.True(Proc.Eventually(() => KernelSockets.Tcp(port).Any(k => k.State == "TIME_WAIT" && k.Local.EndsWith($":{clientPort}")), Long),
            string.Join("\n", KernelSockets.Tcp(port)));
    }

    [Fact]
    public void Or_ing_SO_REUSEADDR_and_SO_REUSEPORT_sets_only_SO_REUSEPORT_and_a_second_server_binds_the_same_port()
    {
        Assert.Equal(SO_REUSEPORT, SO_REUSEADDR | SO_REUSEPORT); // 2 | 15 == 15
        using var first = Socket.Tcp();
        first.SetOption(SOL_SOCKET, SO_REUSEADDR | SO_REUSEPORT, 1);
        Assert.Equal(0, first.GetOption(SOL_SOCKET, SO_REUSEADDR));
        Assert.Equal(1, first.GetOption(SOL_SOCKET, SO_REUSEPORT));
        first.Bind(0);
        first.Listen();

        using var second = Socket.Tcp();
        second.SetOption(SOL_SOCKET, SO_REUSEADDR | SO_REUSEPORT, 1);
        second.Bind(first.Port); // no EADDRINUSE: both listen on the same port now
        second.Listen();
        Assert.Equal(2, KernelSockets.Tcp(first.Port).Count(k => k.State == "LISTEN"));

        using var third = Socket.Tcp();
        third.ReuseAddress = true; // SO_REUSEADDR alone does not share a listening port
        var e = Assert.Throws<SyscallException>(() => third.Bind(first.Port));
        Assert.Equal("EADDRINUSE", e.ErrnoName);
    }

    [Fact]
    public void A_port_in_use_is_EADDRINUSE_that_names_the_process_holding_it()
    {
        using var server = Listener();
        using var other = Socket.Tcp();
        var e = Assert.Throws<SyscallException>(() => other.Bind(server.Port));
        Assert.Equal("bind", e.Call);
        Assert.Equal("EADDRINUSE", e.ErrnoName);
        Assert.Contains($"pid {Environment.ProcessId}", e.Message);
        Assert.Contains("LISTEN", e.Message);
        Assert.Contains("port 0", e.Fix);
    }

    [Fact]
    public void Connecting_where_nobody_listens_is_ECONNREFUSED()
    {
        int port;
        using (var probe = Socket.Tcp())
        {
            probe.Bind(0);   // a port that was free a moment ago, now free again, and nobody listens
            port = probe.Port;
        }
        using var client = Socket.Tcp();
        var e = Assert.Throws<SyscallException>(() => client.Connect(port, Long));
        Assert.Equal("connect", e.Call);
        Assert.Equal("ECONNREFUSED", e.ErrnoName);
        Assert.Contains("nobody listens", e.Meaning);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
    }

    [Fact]
    public void Sending_after_the_peer_closed_fails_with_EPIPE_instead_of_killing_the_process()
    {
        using var server = Listener();
        using var client = Socket.Tcp();
        client.Connect(server.Port, Long);
        var accepted = server.Accept(Long);
        accepted.Close();
        // The first send after the peer's close is accepted and answered with a reset; then the connection is dead.
        var e = Assert.Throws<SyscallException>(() =>
        {
            for (int i = 0; i < 100; i++)
            {
                client.Send("anyone there?");
                Thread.Sleep(10);
            }
        });
        Assert.Contains(e.ErrnoName, new[] { "EPIPE", "ECONNRESET" });

        // After shutdown(SHUT_WR) it is EPIPE every time, and the message says why .NET is still alive.
        using var c2 = Socket.Tcp();
        c2.Connect(server.Port, Long);
        using var a2 = server.Accept(Long);
        c2.Shutdown(SHUT_WR);
        var pipe = Assert.Throws<SyscallException>(() => c2.Send("after shutdown"));
        Assert.Equal("EPIPE", pipe.ErrnoName);
        Assert.Equal("send", pipe.Call);
        Assert.Contains("SIGPIPE", pipe.Fix);
        Assert.Equal("", a2.RecvToEnd(Long)); // the peer saw end of stream
    }

    [Fact]
    public void UDP_carries_datagrams_with_their_sender_and_refuses_one_above_65507_bytes_with_EMSGSIZE()
    {
        using var receiver = Socket.Udp();
        receiver.Bind(0);
        using var child = Fork.Run(receiver.Port, port =>
        {
            using var s = Socket.Udp();
            s.SendTo("ten bytes!", SockAddr.Loopback(port));
            s.SendTo("another ten", SockAddr.Loopback(port));
        }, name: "udp-sender");
        var first = receiver.RecvFrom(timeout: Long);
        var second = receiver.RecvFrom(5, Long);
        Assert.Equal("ten bytes!", first.Text);
        Assert.Equal("127.0.0.1", first.From.Ip!.ToString());
        Assert.Equal("anoth", second.Text);
        Assert.True(second.Truncated);
        Assert.True(child.Wait(Long).Success);

        using var sender = Socket.Udp();
        sender.SendTo(new byte[65507], receiver.LocalAddress);
        Assert.Equal(65507, receiver.RecvFrom(timeout: Long).Data.Length);
        var e = Assert.Throws<SyscallException>(() => sender.SendTo(new byte[65508], receiver.LocalAddress));
        Assert.Equal("EMSGSIZE", e.ErrnoName);
        Assert.Equal("sendto", e.Call);
        Assert.Contains("65,507", e.Meaning);
    }

    [Fact]
    public void A_Unix_socket_file_is_made_in_the_private_directory_and_removed_when_the_socket_closes()
    {
        string path;
        using (var server = Socket.Unix())
        {
            server.Bind(SockAddr.Unix("srv"));
            server.Listen();
            path = server.LocalAddress.Path!;
            Assert.Equal(RunDirectory.Path, Path.GetDirectoryName(path));
            Assert.True(IsSocketFile(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(RunDirectory.Path));
            using var child = Fork.Run(path, p =>
            {
                using var c = Socket.Unix();
                c.Connect(SockAddr.UnixPath(p));
                c.Send($"pid {Environment.ProcessId}");
            }, name: "unix-client");
            using var conn = server.Accept(Long);
            var cred = conn.PeerCredentials;
            Assert.Equal(child.Pid, cred.Pid);
            Assert.Equal((uint)Tmds.Linux.LibC.getuid(), cred.Uid);
            Assert.Equal($"pid {child.Pid}", conn.RecvToEnd(Long));
            Assert.True(child.Wait(Long).Success);
        }
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void A_socket_file_a_child_binds_is_named_for_the_run_so_the_run_s_guardian_removes_it()
    {
        using var child = Fork.Run(() =>
        {
            var s = Socket.Unix(SOCK_DGRAM);
            s.Bind(SockAddr.Unix("child-dgram"));
            Console.WriteLine(s.LocalAddress.Path);
            Thread.Sleep(60_000);
        }, name: "binder");
        child.WaitForOutput("child-dgram", Long);
        var path = child.StandardOutput.Trim();
        Assert.StartsWith(Path.Combine(RunDirectory.Path, $"{Environment.ProcessId}-c{child.Pid}-"), path);
        child.Kill();
        child.Wait(Long);
        // Killed, it could not remove its file: what the guardian's "rm PREFIX*" (or the next start) is for.
        Assert.True(File.Exists(path));
        File.Delete(path);
    }

    [Fact]
    public void Unix_datagrams_keep_their_boundaries_and_know_their_sender()
    {
        using var receiver = Socket.Unix(SOCK_DGRAM);
        receiver.Bind(SockAddr.Unix("dgram-in"));
        using var sender = Socket.Unix(SOCK_DGRAM);
        sender.Bind(SockAddr.Unix("dgram-out"));
        foreach (var word in new[] { "one", "two", "three" }) sender.SendTo(word, receiver.LocalAddress);
        var got = Enumerable.Range(0, 3).Select(_ => receiver.RecvFrom(100, Long)).ToList();
        Assert.Equal(["one", "two", "three"], got.Select(d => d.Text));
        Assert.All(got, d => Assert.Equal(sender.LocalAddress.Path, d.From.Path));
    }

    [Fact]
    public void An_unbound_UDP_socket_that_sends_is_bound_to_loopback_not_to_every_interface_as_the_kernel_would()
    {
        foreach (bool ipv6 in new[] { false, true })
        {
            using var receiver = Socket.Udp(ipv6);
            receiver.Bind(0);
            using var sender = Socket.Udp(ipv6);
            sender.SendTo("hello", receiver.LocalAddress);
            Assert.True(System.Net.IPAddress.IsLoopback(sender.LocalAddress.Ip!), sender.LocalAddress.ToString());
            Assert.NotEqual(0, sender.LocalAddress.Port);
            Assert.True(KernelSockets.IsLoopbackOnly(sender.KernelView!), sender.KernelView!.Local);
            Assert.Equal(sender.LocalAddress, receiver.RecvFrom(100, Long).From);
        }
    }

    [Fact]
    public void A_UDP_sender_that_outruns_its_receiver_loses_datagrams_and_the_kernel_counts_each_one_dropped()
    {
        const int Sent = 300;
        using var receiver = Socket.Udp();
        receiver.ReceiveBufferSize = 4096;       // a few datagrams' room (the kernel doubles it, and has a floor)
        receiver.Bind(0);
        using var child = Fork.Run(receiver.Port, Sent, (port, count) =>
        {
            using var s = Socket.Udp();
            for (int i = 0; i < count; i++) s.SendTo(new byte[1000], SockAddr.Loopback(port));   // never waits, never fails
        }, name: "udp-flood");
        Assert.True(child.Wait(Long).Success, child.ToString());
        // Everything was sent before the first read: each datagram is now either queued or counted as dropped.
        var kernel = receiver.KernelView!;
        int received = 0;
        receiver.NonBlocking = true;
        while (true)
        {
            try { receiver.RecvFrom(2000); received++; }
            catch (SyscallException e) when (e.ErrnoName == "EAGAIN") { break; }
        }
        Assert.InRange(received, 1, Sent - 1);
        Assert.Equal(Sent - received, kernel.Drops);
        Assert.Equal(0, receiver.KernelView!.Queue);
    }

    [Fact]
    public void A_Unix_datagram_sender_is_stopped_when_the_receiver_s_queue_is_full_instead_of_losing_datagrams()
    {
        using var receiver = Socket.Unix(SOCK_DGRAM);
        receiver.Bind(SockAddr.Unix("dgram-full"));
        using var sender = Socket.Unix(SOCK_DGRAM);
        sender.NonBlocking = true;
        int queued = 0;
        var full = Assert.Throws<SyscallException>(() =>
        {
            for (; queued < 10_000; queued++) sender.SendTo($"message {queued}", receiver.LocalAddress);
        });
        Assert.Equal("EAGAIN", full.ErrnoName);
        Assert.InRange(queued, 1, 9_999);
        var got = Enumerable.Range(0, queued).Select(_ => receiver.RecvFrom(100, Long).Text).ToList();
        Assert.Equal(Enumerable.Range(0, queued).Select(i => $"message {i}"), got);
        Assert.Null(receiver.KernelView);        // Unix sockets are not in /proc/net/udp
    }

    [Fact]
    public void A_pipe_end_sent_with_SCM_RIGHTS_over_a_socketpair_is_the_same_pipe_in_the_child()
    {
        var (mine, theirs) = Socket.Pair();
        using var _ = mine;
        using var pipe = Pipe.Create();
        using var child = Fork.Run(theirs, s =>
        {
            var (message, fds) = s.RecvDescriptors(timeout: TimeSpan.FromSeconds(30));
            using var w = fds.Single();
            w.Write($"{message}: written through a descriptor I was sent ({w.Target})");
        }, name: "receiver");
        theirs.Close();
        mine.SendDescriptors("hello", pipe.WriteEnd);
        pipe.WriteEnd.Close();
        var text = pipe.ReadEnd.ReadToEnd(Long);
        Assert.True(child.Wait(Long).Success, $"{child}: {string.Join("\n", child.Output.Select(l => l.Text))}");
        Assert.StartsWith("hello: written through a descriptor I was sent (pipe:[", text);
        Assert.True(child.Wait(Long).Success);
        Assert.Equal(Environment.ProcessId, mine.PeerCredentials.Pid); // socketpair: the creator's credentials on both ends
    }

    [Fact]
    public void Accept_with_no_client_says_what_waited_for_what()
    {
        using var server = Listener();
        var e = Assert.Throws<WaitTimeoutException>(() => server.Accept(Short));
        Assert.Equal($"The notebook's accept on 127.0.0.1:{server.Port} waited 0.3 s; no client connected.", e.Message);
    }

    [Fact]
    public void Recv_with_nothing_sent_times_out_naming_both_ends_and_non_blocking_mode_is_EAGAIN()
    {
        using var server = Listener();
        using var client = Socket.Tcp();
        client.Connect(server.Port, Long);
        using var accepted = server.Accept(Long);
        var e = Assert.Throws<WaitTimeoutException>(() => client.Recv(10, Short));
        Assert.Contains($"recv on TCP socket {client.LocalAddress} ⇄ 127.0.0.1:{server.Port}", e.Message);
        Assert.Contains("waited 0.3 s; no data arrived", e.Message);

        client.NonBlocking = true;
        var again = Assert.Throws<SyscallException>(() => client.Recv(10));
        Assert.Equal("EAGAIN", again.ErrnoName);
        Assert.Contains("poll", again.Fix);
        server.NonBlocking = true;
        Assert.Equal("EAGAIN", Assert.Throws<SyscallException>(() => server.Accept(Short)).ErrnoName);
    }

    [Fact]
    public void Poll_returns_exactly_the_sockets_with_something_to_read()
    {
        using var server = Listener();
        var clients = Enumerable.Range(0, 3).Select(_ => Socket.Tcp()).ToList();
        try
        {
            foreach (var c in clients) c.Connect(server.Port, Long);
            var conns = clients.Select(_ => server.Accept(Long)).ToList();
            Assert.Empty(Socket.Poll(conns, Short));
            clients[1].Send("ping");
            var ready = Socket.Poll(conns, Long);
            Assert.Single(ready);
            Assert.Equal("ping", ready[0].RecvString(10));
            using var late = Socket.Tcp();
            late.Connect(server.Port, Long);
            Assert.Equal([server], Socket.Poll([server, .. conns], Long));
            server.Accept(Long).Dispose();
            foreach (var c in conns) c.Dispose();
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Theory]
    [InlineData("0.0.0.0", "INADDR_ANY")]
    [InlineData("::", "INADDR_ANY")]
    [InlineData("192.168.1.10", "not a loopback address")]
    [InlineData("8.8.8.8", "not a loopback address")]
    public void Non_loopback_addresses_are_refused_with_the_reason(string ip, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => SockAddr.Inet(ip, 8080));
        Assert.Contains(reason, e.Message);
        Assert.Contains("loopback only", e.Message);
        Assert.Contains("SockAddr.Loopback", e.Message);
    }

    [Fact]
    public void Bad_addresses_and_arguments_are_refused_before_any_call()
    {
        Assert.Contains("not an IP address", Assert.Throws<ArgumentException>(() => SockAddr.Inet("localhost", 80)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SockAddr.Loopback(70000));
        var longName = new string('x', 120);
        var e = Assert.Throws<ArgumentException>(() => SockAddr.Unix(longName));
        Assert.Contains("at most 107", e.Message);
        Assert.Contains("sun_path", e.Message);
        Assert.NotNull(SockAddr.UnixPath("/" + new string('y', 106))); // 107 bytes: the longest that fits

        using var unix = Socket.Unix();
        Assert.Contains("outside the run's private directory",
            Assert.Throws<ArgumentException>(() => unix.Bind(SockAddr.UnixPath("/tmp/elsewhere.sock"))).Message);
        using var tcp = Socket.Tcp();
        Assert.Contains("AF_INET6", Assert.Throws<ArgumentException>(() => tcp.Bind(SockAddr.Loopback6(0))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => tcp.Accept(TimeSpan.Zero));
        var notListening = Assert.Throws<SyscallException>(() => tcp.Accept(Short));
        Assert.Equal("EINVAL", notListening.ErrnoName);
        Assert.Contains("Listen", notListening.Fix);
        var bogus = Assert.Throws<SyscallException>(() => Socket.Create(12345, SOCK_STREAM));
        Assert.Equal("EAFNOSUPPORT", bogus.ErrnoName);
        Assert.Equal("ENOPROTOOPT", Assert.Throws<SyscallException>(() => tcp.GetOption(SOL_SOCKET, 4242)).ErrnoName);
        using var udp = Socket.Udp();
        Assert.Equal("EOPNOTSUPP", Assert.Throws<SyscallException>(() => udp.Listen()).ErrnoName);
        tcp.Close();
        Assert.Throws<ObjectDisposedException>(() => tcp.Send("closed"));
    }

    [Fact]
    public void A_stream_socket_is_a_byte_stream_and_a_datagram_socket_keeps_messages()
    {
        var (a, b) = Socket.Pair(SOCK_STREAM);
        var (c, d) = Socket.Pair(SOCK_DGRAM);
        using (a) using (b) using (c) using (d)
        {
            foreach (var letter in "ABCD") { a.Send(new string(letter, 10)); c.Send(new string(letter, 10)); }
            Assert.Equal("AAAAAAAAAABBBBBBBBBBCCCCC", b.RecvString(25));
            Assert.Equal("AAAAAAAAAA", d.RecvString(25));
        }
    }

    [Fact]
    public void The_proc_net_tcp_line_is_parsed_as_the_kernel_wrote_it()
    {
        var e = ProcNet.Parse("tcp6", "   1: 00000000000000000000000001000000:A0F3 00000000000000000000000001000000:1F90 06 00000000:00000000 03:00000F1F 00000000  1000        0 0 3 0000000000000000")!;
        Assert.Equal("TIME_WAIT", e.State);
        Assert.Equal(0xA0F3, e.LocalPort);
        Assert.Equal(8080, e.RemotePort);
        Assert.Equal("::1", new System.Net.IPAddress(e.LocalIp).ToString());
        var l = ProcNet.Parse("tcp", "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 12345 1 0 100 0 0 10 0")!;
        Assert.Equal("LISTEN", l.State);
        Assert.Equal("127.0.0.1", new System.Net.IPAddress(l.LocalIp).ToString());
        Assert.Equal(2, l.RxQueue);
        Assert.Equal(12345UL, l.Inode);
        Assert.Null(l.Drops);
        var u = ProcNet.Parse("udp", "  845: 0100007F:9C1B 00000000:0000 07 00000000:00001200 00:00000000 00000000  1000        0 98765 2 0000000000000000 293")!;
        Assert.Equal("CLOSE", u.State);
        Assert.Equal(0x1200, u.RxQueue);
        Assert.Equal(293, u.Drops);
    }

    [Fact]
    public void Nothing_of_this_user_is_bound_beyond_loopback_by_the_library()
    {
        using var server = Listener();
        using var udp = Socket.Udp();
        udp.Bind(0);
        var ours = KernelSockets.OfCurrentUser().Where(s => s.Local.EndsWith($":{server.Port}") || s.Local.EndsWith($":{udp.Port}")).ToList();
        Assert.Equal(2, ours.Count);
        Assert.All(ours, s => Assert.True(KernelSockets.IsLoopbackOnly(s), s.ToString()));
    }

    [Fact]
    public void An_untraced_recv_is_one_blocking_call_that_data_wakes_and_the_timeout_still_ends()
    {
        var (mine, theirs) = Socket.Pair();
        using var _ = mine;
        using var child = Fork.Run(theirs, s =>
        {
            EventTrace.Enabled = false;   // the one-call path: recv blocks in the kernel, the watchdog bounds it
            var buffer = new byte[16];
            int n = s.Recv(buffer, TimeSpan.FromSeconds(30));
            Console.WriteLine($"got {Encoding.UTF8.GetString(buffer, 0, n)}");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                s.Recv(buffer, TimeSpan.FromMilliseconds(1500));
                Console.WriteLine("received again");
            }
            catch (WaitTimeoutException e)
            {
                Console.WriteLine($"timed out after {(clock.ElapsedMilliseconds >= 1400 ? "the timeout" : "too little")}: {e.Message}");
            }
        }, name: "receiver");
        theirs.Close();
        Thread.Sleep(300);   // the child is inside recv by now, most likely; either way the data must arrive
        mine.Send("ping");

        Assert.True(child.Wait(Long).Success, child.ToString());
        var lines = child.StandardOutput.Split('\n');
        Assert.Equal("got ping", lines[0]);
        Assert.StartsWith("timed out after the timeout:", lines[1]);
        Assert.Contains("no data arrived", lines[1]);
    }
}

/// <summary>A run killed with SIGKILL leaves no listener, no socket file (its own or a child's) and no child: the
/// kernel closes the dead process's descriptors, and the guardian kills the children and removes the run's files.</summary>
public class SocketOrphanTests
{
    [Fact]
    public void After_a_SIGKILL_of_the_run_no_listener_socket_file_or_child_is_left()
    {
        Assert.True(File.Exists(OrphansProgram.Dll), $"{OrphansProgram.Dll} is built with this project");
        using var victim = Command.Start(OrphansProgram.Dotnet, OrphansProgram.Dll, "sockets");
        System.Text.RegularExpressions.Match ready = System.Text.RegularExpressions.Match.Empty;
        Proc.Eventually(() =>
        {
            ready = victim.Output.Select(l => System.Text.RegularExpressions.Regex.Match(l.Text, @"^READY tcp=(\d+) given=(\d+) unix=(\S+) child=(\S+) holder=(\d+)$"))
                .FirstOrDefault(m => m.Success) ?? System.Text.RegularExpressions.Match.Empty;
            return ready.Success || victim.HasExited;
        }, TimeSpan.FromSeconds(90));
        Assert.True(ready.Success, $"the program did not report its sockets: {victim.Status}; it said: {string.Join(" / ", victim.Output.Select(l => l.Text))}");
        int tcp = int.Parse(ready.Groups[1].Value), given = int.Parse(ready.Groups[2].Value), holder = int.Parse(ready.Groups[5].Value);
        string unix = ready.Groups[3].Value, child = ready.Groups[4].Value;
        bool Listening(int port) => KernelSockets.Tcp(port).Any(k => k.State == "LISTEN");
        Assert.True(Listening(tcp) && Listening(given) && File.Exists(unix) && File.Exists(child) && Proc.State(holder) is not null);

        victim.Kill(Signals.Signal.SIGKILL);
        victim.Wait(TimeSpan.FromSeconds(10));

        Assert.True(Proc.Eventually(() => !Listening(tcp) && !Listening(given) && !File.Exists(unix) && !File.Exists(child)
            && Proc.State(holder) is null or 'Z', TimeSpan.FromSeconds(15)),
            $"15 s after the kill: listening {tcp}: {Listening(tcp)}, {given}: {Listening(given)}; {unix}: {File.Exists(unix)}; {child}: {File.Exists(child)}; holder state {Proc.State(holder)}");
    }
}
