using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Native;

/// <summary>poll(2) over several descriptors at once.</summary>
internal static unsafe class PollCalls
{
    /// <summary>Waits until one of the descriptors is ready for its events, at most <paramref name="timeoutMs"/>;
    /// returns each one's revents (all 0 when the time ran out).</summary>
    public static short[] Poll((int Fd, short Events)[] fds, int timeoutMs)
    {
        var pfds = new pollfd[fds.Length];
        for (int i = 0; i < fds.Length; i++) pfds[i] = new pollfd { fd = fds[i].Fd, events = fds[i].Events };
        long deadline = Environment.TickCount64 + timeoutMs;
        fixed (pollfd* p = pfds)
        {
            while (poll(p, (ulong_t)(ulong)pfds.Length, timeoutMs) == -1)
            {
                if (errno != EINTR) throw Sys.Fail(NativeCall.Poll);
                timeoutMs = (int)Math.Max(0, deadline - Environment.TickCount64);
            }
        }
        return pfds.Select(p => p.revents).ToArray();
    }
}
