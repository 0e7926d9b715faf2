using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;

namespace Ipc.Lab.Io;

/// <summary>The events of poll(2), with C's names and values.</summary>
[Flags]
public enum PollEvents : short
{
    None = 0,
    POLLIN = 0x001,
    POLLPRI = 0x002,
    POLLOUT = 0x004,
    POLLERR = 0x008,
    POLLHUP = 0x010,
    POLLNVAL = 0x020,
}

/// <summary>One entry of poll(2)'s array: a descriptor, the events asked for, and (in a result) the events
/// that happened. POLLERR, POLLHUP and POLLNVAL are reported whether asked for or not, as in C.</summary>
public sealed record PollFd(FileDescriptor Descriptor, PollEvents Events, PollEvents Revents = PollEvents.None)
{
    public bool Ready => Revents != PollEvents.None;

    public override string ToString() => $"{Descriptor.Description}: {(Ready ? Revents.ToString() : "not ready")}";
}

/// <summary>poll(2): wait until at least one of several descriptors is ready, so that one thread can serve
/// many pipes without blocking on the wrong one.</summary>
public static class Polling
{
    /// <summary>Waits at most <paramref name="timeout"/> (required: every wait is bounded) until one of
    /// <paramref name="fds"/> is ready. Returns every entry with its Revents filled in; none is Ready when the
    /// timeout passed first, as poll returning 0.</summary>
    public static IReadOnlyList<PollFd> Poll(TimeSpan timeout, params PollFd[] fds)
    {
        ArgumentNullException.ThrowIfNull(fds);
        if (fds.Length == 0) throw new ArgumentException("poll needs at least one descriptor: with none it only sleeps.", nameof(fds));
        int ms = Lab.ToMilliseconds(timeout);
        var wanted = fds.Select(f => (f.Descriptor.Fd, (short)f.Events)).ToArray();
        var revents = new short[fds.Length];
        int ready;
        using (Activity.Begin($"poll on {string.Join(", ", fds.Select(f => $"{f.Descriptor.Description} ({f.Events})"))}"))
            ready = Sys.Poll(wanted, revents, ms);
        if (EventTrace.Enabled)
            EventTrace.Record(TraceKind.Note, ready == 0 ? $"poll: nothing ready after {ms / 1000.0:0.###} s" : $"poll: {ready} of {fds.Length} ready");
        return fds.Select((f, i) => f with { Revents = (PollEvents)revents[i] }).ToArray();
    }
}
