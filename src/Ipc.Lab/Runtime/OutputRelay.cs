using System.Text;
using System.Text.Json;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>Carries what children print to where the notebook shows it. A child's stdout and stderr are pipes
/// (never our own stdout: in a kernel that is the protocol channel); one thread reads all of them and writes
/// each line to Console in this process, so it lands in the output of the cell, in the order it arrived. The
/// same thread reads each child's control channel: trace events and a report of an escaped exception.</summary>
internal static unsafe class OutputRelay
{
    private enum Stream { Stdout, Stderr, Control }

    private sealed class Source(int fd, ChildHandle child, Stream stream, TextWriter writer, ExecutionContext? context)
    {
        public int Fd { get; } = fd;
        public ChildHandle Child { get; } = child;
        public Stream Kind { get; } = stream;
        public TextWriter Writer { get; } = writer;
        public ExecutionContext? Context { get; } = context;
        public List<byte> Partial { get; } = new();
    }

    private static readonly object Gate = new();
    private static readonly Dictionary<int, Source> Sources = new();
    private static readonly Lazy<int> Wakeup = new(StartThread);

    /// <summary>Relays the child's stdout and stderr (the read ends of its output pipes, owned from now on by
    /// the relay) and its control channel, if it has one.</summary>
    public static void Watch(ChildHandle child, int stdoutFd, int stderrFd, int controlFd = -1)
    {
        // Console.Out as it is now, and the execution context, belong to the cell that starts the child: a
        // kernel that routes output per cell routes these lines to it.
        var context = ExecutionContext.Capture();
        lock (Gate)
        {
            if (stdoutFd >= 0) Add(new Source(stdoutFd, child, Stream.Stdout, Console.Out, context));
            if (stderrFd >= 0) Add(new Source(stderrFd, child, Stream.Stderr, Console.Error, context));
            // The control channel counts as a stream too: a child's last message on it (the exception that
            // escaped its body) must be in ChildHandle.Failure by the time Wait returns, even when the relay
            // sees its stdout reach end of file first.
            if (controlFd >= 0) Add(new Source(controlFd, child, Stream.Control, Console.Out, context));
            if (stdoutFd < 0 && stderrFd < 0 && controlFd < 0) child.NoStreams();
        }
        ulong one = 1;
        write(Wakeup.Value, &one, sizeof(ulong));
    }

    private static void Add(Source s)
    {
        Sources[s.Fd] = s;
        s.Child.StreamOpened();
    }

    private static int StartThread()
    {
        int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (efd == -1) throw Sys.Fail(NativeCall.EventFd);
        new Thread(() => Loop(efd)) { IsBackground = true, Name = "Ipc.Lab output relay" }.Start();
        return efd;
    }

    private static void Loop(int efd)
    {
        var buffer = new byte[65536];
        while (true)
        {
            Source[] sources;
            lock (Gate) sources = Sources.Values.ToArray();
            var fds = new pollfd[sources.Length + 1];
            fds[0] = new pollfd { fd = efd, events = POLLIN };
            for (int i = 0; i < sources.Length; i++) fds[i + 1] = new pollfd { fd = sources[i].Fd, events = POLLIN };
            int n;
            fixed (pollfd* p = fds) n = poll(p, (ulong_t)(uint)fds.Length, -1);
            if (n <= 0) continue;
            if (fds[0].revents != 0)
            {
                ulong drain;
                read(efd, &drain, sizeof(ulong));
            }
            for (int i = 0; i < sources.Length; i++)
            {
                if (fds[i + 1].revents == 0) continue;
                var s = sources[i];
                long got;
                fixed (byte* b = buffer) got = read(s.Fd, b, buffer.Length);
                if (got > 0)
                {
                    Deliver(s, buffer.AsSpan(0, (int)got));
                    continue;
                }
                if (got == -1 && (errno == EINTR || errno == EAGAIN)) continue;
                Finish(s);
            }
        }
    }

    private static void Deliver(Source s, ReadOnlySpan<byte> data)
    {
        if (s.Kind == Stream.Control)
        {
            // SOCK_SEQPACKET: one read is one message.
            Control(s, data);
            return;
        }
        int start = 0;
        for (int i = 0; i < data.Length; i++)
        {
            if (data[i] != (byte)'\n') continue;
            s.Partial.AddRange(data[start..i].ToArray());
            EmitLine(s);
            start = i + 1;
        }
        s.Partial.AddRange(data[start..].ToArray());
    }

    private static void EmitLine(Source s)
    {
        var text = Encoding.UTF8.GetString(s.Partial.ToArray());
        s.Partial.Clear();
        var line = new OutputLine(EventTrace.Now(), s.Child.Pid, s.Child.Name, s.Kind == Stream.Stderr, text);
        s.Child.AddOutput(line);
        EventTrace.Add(new TraceEvent(line.TimestampNs, line.Pid, line.Process,
            s.Kind == Stream.Stderr ? TraceKind.Stderr : TraceKind.Stdout, text));
        Write(s, text);
    }

    private static void Write(Source s, string text)
    {
        void Emit(object? _)
        {
            try { s.Writer.WriteLine(text); }
            catch (ObjectDisposedException) { }
        }
        if (s.Context is null) Emit(null);
        else ExecutionContext.Run(s.Context.CreateCopy(), Emit, null);
    }

    private static void Finish(Source s)
    {
        lock (Gate) Sources.Remove(s.Fd);
        close(s.Fd);
        if (s.Kind != Stream.Control && s.Partial.Count > 0) EmitLine(s);
        s.Child.StreamClosed();
    }

    private static void Control(Source s, ReadOnlySpan<byte> message)
    {
        try
        {
            var msg = JsonSerializer.Deserialize(message, LabJson.Default.ControlMessage);
            if (msg?.Event is { } e) EventTrace.Add(e);
            if (msg?.Failure is { } f) s.Child.Failure = f;
        }
        catch (JsonException)
        {
            // A body that writes garbage to fd 99 only loses its own trace.
        }
    }
}

/// <summary>What a child sends its parent over the control channel, one message per datagram.</summary>
internal sealed record ControlMessage(TraceEvent? Event = null, ChildFailure? Failure = null);
