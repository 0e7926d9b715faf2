using System.Buffers.Binary;
using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Sockets;
using static Ipc.Lab.Sockets.SocketConstants;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 06-sockets. None compares ports, pids or timings; each decides itself how data
/// is cut and when clients talk, so that only code that does the work passes, on every run.</summary>
public static class SocketsChecks
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);
    private static readonly string[] Words = ["apple", "kernel", "socket", "accept", "listen", "buffer", "fork", "zebra", "queue", "bind"];

    /// <summary>sockets.framing: <paramref name="recvMessage"/> reads one message sent as a 4-byte big-endian length
    /// and that many UTF-8 bytes. The check sends several messages over a real TCP connection and cuts them where it
    /// chooses — inside the length, inside the text, two messages in one piece — sending each piece only once the
    /// previous one was received, so a single recv sees exactly one piece, on every run.</summary>
    public static CheckResult Framing(Func<Sockets.Socket, string> recvMessage) => Exercise.Check("sockets.framing", 3, () =>
    {
        using var listener = Sockets.Socket.Tcp();
        listener.Bind(0);
        listener.Listen(1);
        using var sender = Sockets.Socket.Tcp();
        sender.Connect(listener.Port, Step);
        using var receiver = listener.Accept(Step);

        var messages = Enumerable.Range(0, 4).Select(i => string.Join(' ', Enumerable.Range(0, Random.Shared.Next(1, 40)).Select(_ => Words[Random.Shared.Next(Words.Length)])) + $" #{i}").ToList();
        messages.Insert(Random.Shared.Next(messages.Count), "");         // an empty message: length 0
        messages.Add("één ü " + messages[0]);                             // UTF-8 bytes are not characters
        var stream = messages.SelectMany(Frame).ToArray();
        var cuts = Cuts(messages);
        int fd = receiver.Number;
        long mark = EventTrace.Mark();
        // One piece at a time, the next only once the receiver's recv calls took every byte sent so far (counted in
        // the trace): a single recv sees exactly one piece, however fast or slow the machine.
        var pump = Task.Run(() =>
        {
            int sent = 0;
            foreach (int cut in cuts)
            {
                sender.Send(stream.AsSpan(sent, cut - sent));
                sent = cut;
                if (!EventTrace.WaitUntil(mark, events => Taken(events, fd) >= sent, Step)) return;
            }
        });
        var received = new List<string>();
        foreach (var message in messages)
        {
            string got = recvMessage(receiver);
            Expect.Equal(message, got, $"message {received.Count + 1} of {messages.Count}",
                "A stream keeps no boundaries: one recv returns what has arrived, maybe a piece of the length or of the text. Read exactly 4 bytes of length (as many recv calls as it takes), then exactly that many bytes of text — and not one byte more: the next message may already be there.");
            received.Add(got);
        }
        pump.Wait(Step);
        return $"Received {messages.Count} messages, cut into {cuts.Length} pieces at places your code could not guess (inside lengths, inside texts, two messages in one piece).";
    });

    private static byte[] Frame(string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var framed = new byte[4 + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(framed, body.Length);
        body.CopyTo(framed, 4);
        return framed;
    }

    private static long Taken(IReadOnlyList<TraceEvent> events, int fd) =>
        events.Where(e => e.Process == EventTrace.ProcessName && e.Kind == TraceKind.Read && e.Fd == fd && e.Bytes > 0).Sum(e => e.Bytes);

    /// <summary>Where the stream is cut: inside the first length (after 1 or 2 bytes), inside each text, and once
    /// not at a message's end, so that one piece holds the end of a message and the start of the next.</summary>
    private static int[] Cuts(List<string> messages)
    {
        var cuts = new SortedSet<int>();
        int offset = 0;
        foreach (var m in messages)
        {
            int length = 4 + Encoding.UTF8.GetByteCount(m);
            cuts.Add(offset + Random.Shared.Next(1, 4));              // inside the length
            if (length > 6) cuts.Add(offset + Random.Shared.Next(5, length)); // inside the text
            offset += length;
            // The end of this message travels with the start of the next one (but the last).
            cuts.Add(m == messages[^1] ? offset : offset + 2);
        }
        cuts.Add(offset);
        return cuts.Where(c => c <= offset).ToArray();
    }

    /// <summary>sockets.echo: <paramref name="serve"/> is a server that handles <c>clients</c> connections at once
    /// with poll: it accepts each, echoes back what each sends, and returns when every client has closed. The clients
    /// are real child processes, and none closes before all of them got their echo — a server that serves one
    /// client at a time waits for the first to close, which never comes while the others are not served.</summary>
    public static CheckResult Echo(Action<Sockets.Socket, int> serve) => Exercise.Check("sockets.echo", 3, () =>
    {
        int count = Random.Shared.Next(3, 5);
        using var listener = Sockets.Socket.Tcp();
        listener.Bind(0);
        listener.Listen(count);
        using var echoed = Pipe.Create();   // each client writes one byte here once it got its echo...
        using var release = Pipe.Create();  // ...and closes only after the check writes one byte for it here
        var texts = Enumerable.Range(0, count).Select(i => $"{Words[Random.Shared.Next(Words.Length)]}-{i}-{Random.Shared.Next(1000, 9999)}").ToArray();
        var children = texts.Select((text, i) => Fork.Run(listener.Port, text, echoed.WriteEnd, release.ReadEnd, (port, message, done, wait) =>
        {
            using var s = Socket.Tcp();
            s.Connect(port, TimeSpan.FromSeconds(10));
            var bytes = Encoding.UTF8.GetBytes(message);
            s.Send(bytes.AsSpan(0, bytes.Length / 2));
            Thread.Sleep(50);
            s.Send(bytes.AsSpan(bytes.Length / 2));
            var back = Encoding.UTF8.GetString(s.RecvExactly(bytes.Length, TimeSpan.FromSeconds(15)));
            if (back != message) throw new InvalidDataException($"sent \"{message}\", got back \"{back}\"");
            done.Write("x");
            wait.Read(1, TimeSpan.FromSeconds(20));
        }, name: $"client-{i}")).ToList();
        echoed.WriteEnd.Close();
        release.ReadEnd.Close();
        // The release: once every client has its echo — while all of them are still connected.
        var releaser = Task.Run(() =>
        {
            try
            {
                echoed.ReadEnd.ReadExactly(count, TimeSpan.FromSeconds(20));
                release.WriteEnd.Write(new string('x', count));
                return true;
            }
            catch (Exception e) when (e is WaitTimeoutException or EndOfStreamException) { return false; }
        });
        try
        {
            serve(listener, count);
        }
        catch (Exception e)
        {
            // The server failed: its clients would wait out their own timeouts for nothing.
            foreach (var c in children) c.Dispose();
            if (e is WaitTimeoutException t)
                throw new CheckFailedException("Your server waited for something that never came.", expected: $"{count} clients served at once", actual: t.Message,
                    hint: "A server that waits on one connection (for its next bytes, or its end) serves nobody else meanwhile. Poll the listener and every connection together (Socket.Poll), and act only on those that are ready.");
            throw;
        }
        foreach (var c in children) c.Wait(TimeSpan.FromSeconds(40));
        Expect.True(releaser.Result, $"Not every client got its echo while all {count} were connected: your server served them one after the other.",
            expected: $"{count} clients served at once", actual: "a server that waited for one client to close before serving the next",
            hint: "Keep the listener and every connection in one list and call Socket.Poll on all of them: accept when the listener is ready, recv and send back when a connection is, and drop a connection when recv returns nothing (end of stream).");
        var failed = children.Where(c => c.Status is not ExitStatus.Exited { Code: 0 }).ToList();
        Expect.True(failed.Count == 0, $"{failed.Count} of {count} clients did not get their message back.",
            expected: "each client gets back exactly what it sent", actual: string.Join("; ", failed.Select(c => $"{c.Name}: {c.Failure?.Message ?? c.Status?.ToString()}")),
            hint: "Send back the bytes you received, all of them, on the connection they came from.");
        return $"{count} client processes, served at the same time, each got its echo.";
    });

    /// <summary>sockets.restart: <paramref name="listen"/> returns a TCP socket listening on 127.0.0.1 and the given
    /// port that a restarted server can bind while the previous one's connections are in TIME_WAIT: SO_REUSEADDR
    /// set, SO_REUSEPORT not (which would let two servers take one port).</summary>
    public static CheckResult Restart(Func<int, Sockets.Socket> listen) => Exercise.Check("sockets.restart", 2, () =>
    {
        int port;
        using (var probe = Sockets.Socket.Tcp())
        {
            probe.Bind(0);  // a free port, chosen by the kernel; free again once the probe is closed
            port = probe.Port;
        }
        var first = listen(port) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the listening socket.");
        try
        {
            CheckListener(first, port);
            using (var client = Sockets.Socket.Tcp())
            {
                client.Connect(port, Step);
                using var served = first.Accept(Step);
                served.Send("bye");
                served.Close();   // the server closes first: its side of the connection goes to TIME_WAIT
                client.RecvToEnd(Step);
            }
            first.Close();
            Expect.True(KernelSockets.Tcp(port).Any(k => k.State == "TIME_WAIT" && k.Local.EndsWith($":{port}")),
                "The kernel lists no connection in TIME_WAIT on the server's port, which this check needs.", hint: "Return the listening socket, open.");
            Sockets.Socket second;
            try
            {
                second = listen(port);
            }
            catch (SyscallException e) when (e.ErrnoName == "EADDRINUSE")
            {
                throw new CheckFailedException("The restarted server could not bind its port: EADDRINUSE, because the old server's connection is in TIME_WAIT.",
                    expected: "bind succeeds while the old connection is in TIME_WAIT", actual: e.Message,
                    hint: "Set SO_REUSEADDR (socket.ReuseAddress = true, or SetOption(SOL_SOCKET, SO_REUSEADDR, 1)) before Bind.");
            }
            using (second) CheckListener(second, port);
            return "Restarted a server on its port while its old connection was in TIME_WAIT, with SO_REUSEADDR and without SO_REUSEPORT.";
        }
        finally
        {
            first.Dispose();
        }
    });

    private static void CheckListener(Sockets.Socket s, int port)
    {
        Expect.True(s.Type == SOCK_STREAM && s.GetOption(SOL_SOCKET, SO_ACCEPTCONN) == 1, "The socket you returned is not a listening TCP socket.",
            hint: "socket(AF_INET, SOCK_STREAM), set the option, Bind, Listen.");
        Expect.Equal($"127.0.0.1:{port}", s.LocalAddress.ToString(), "the address your server listens on", "Bind SockAddr.Loopback(port): 127.0.0.1 and the port you were given.");
        Expect.Equal(1, s.GetOption(SOL_SOCKET, SO_REUSEADDR), "getsockopt(SOL_SOCKET, SO_REUSEADDR)",
            "Set SO_REUSEADDR to 1 before Bind. (SO_REUSEADDR | SO_REUSEPORT is 2 | 15 = 15: that sets SO_REUSEPORT only — the lecture's bug.)");
        Expect.Equal(0, s.GetOption(SOL_SOCKET, SO_REUSEPORT), "getsockopt(SOL_SOCKET, SO_REUSEPORT)",
            "Do not set SO_REUSEPORT: it lets a second server of yours bind the same port and take half of the connections.");
    }
}
