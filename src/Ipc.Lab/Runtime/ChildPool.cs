using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>Keeps one child host started ahead of time. Starting the .NET runtime costs tens of milliseconds
/// (more on a busy machine); a pre-started host only has to receive its job and descriptors (sendmsg with
/// SCM_RIGHTS) and load the body, so Fork.Run feels instant. It is a real child spawned with posix_spawn like
/// any other, in the guarded group; until it gets a job it holds /dev/null at the descriptor numbers a job
/// may use, so the descriptors it is given still arrive at 3, 4, ...</summary>
internal static class ChildPool
{
    private sealed record Host(int Pid, int Stdout, int Stderr, int Control);

    private static readonly object Gate = new();
    private static Host? _ready;
    private static bool _starting;

    /// <summary>Whether Fork.Run keeps a host ready (IPC_LAB_WARM_CHILD=0 turns it off).</summary>
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("IPC_LAB_WARM_CHILD") != "0";

    /// <summary>How long Fork.Run waits for a host that is being started before it spawns one of its own. A host
    /// that is on its way is always ahead of a fresh one (both pay the .NET start, and on 2 cores a second start
    /// slows the first); the bound only keeps a stuck start from delaying Fork.Run, which then spawns.</summary>
    private const int StartingWaitMs = 5_000;

    /// <summary>Hands the job to the ready host, if there is one alive (or one being started arrives within
    /// <see cref="StartingWaitMs"/>), and returns its pid and channels.</summary>
    public static bool TryTake(byte[] job, IReadOnlyList<int> descriptors, out int pid, out int stdout, out int stderr, out int control)
    {
        Host? host;
        lock (Gate)
        {
            WaitWhileStarting(StartingWaitMs);
            host = _ready;
            _ready = null;
        }
        pid = stdout = stderr = control = -1;
        if (host is null) return false;
        if (Exited(host.Pid))
        {
            Discard(host);
            return false;
        }
        try
        {
            ScmRights.Send(host.Control, job, descriptors);
        }
        catch (SyscallException)
        {
            Discard(host);
            return false;
        }
        (pid, stdout, stderr, control) = (host.Pid, host.Stdout, host.Stderr, host.Control);
        return true;
    }

    /// <summary>Starts a new ready host in the background, if none is ready or starting.</summary>
    public static void Replenish()
    {
        if (!Enabled) return;
        lock (Gate)
        {
            if (_ready is not null || _starting) return;
            _starting = true;
        }
        ThreadPool.QueueUserWorkItem(_ =>
        {
            Host? host = null;
            try { host = Start(); }
            catch (Exception) { /* Fork.Run spawns fresh hosts then; it reports real failures itself */ }
            lock (Gate)
            {
                _starting = false;
                if (Enabled && _ready is null) _ready = host;
                else if (host is not null) Discard(host);
                Monitor.PulseAll(Gate);
            }
        });
    }

    /// <summary>Waits, at most <paramref name="timeout"/>, until a host is ready (starting one if none is ready
    /// or starting). False if none became ready in time, or the pool is off. For Fork.Prepare's callers that
    /// want the next Fork.Run to meet a ready host (a benchmark timing a start, not the host's own start).</summary>
    public static bool WaitReady(TimeSpan timeout)
    {
        Replenish();
        lock (Gate)
        {
            WaitWhileStarting((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));
            return _ready is not null;
        }
    }

    /// <summary>Holding <see cref="Gate"/>: waits while a host is being started and none is ready, at most ms.</summary>
    private static void WaitWhileStarting(int ms)
    {
        long deadline = Environment.TickCount64 + ms;
        while (_starting && _ready is null)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return;
            Monitor.Wait(Gate, (int)left);
        }
    }

    /// <summary>Kills the ready host (a test that counts processes or descriptors calls this first). A host
    /// that is being started right now is waited for (at most 30 s) and killed too: otherwise its pipes and
    /// its process would appear a moment after Drain returned.</summary>
    public static void Drain()
    {
        Host? host;
        lock (Gate)
        {
            WaitWhileStarting(30_000);
            host = _ready;
            _ready = null;
        }
        if (host is not null) Discard(host);
    }

    private static Host Start()
    {
        using var plumbing = new Plumbing();
        int stdout = plumbing.FromChild(1), stderr = plumbing.FromChild(2), control = plumbing.Channel(ChildJob.ControlFd);
        plumbing.Open("/dev/null", O_RDONLY, Enumerable.Range(ChildJob.FirstDescriptor, ChildJob.MaxDescriptors));
        int pid = plumbing.Spawn(new SpawnPlan(DotnetHost.Path,
            ["dotnet", LabHome.ChildHostPath, Environment.ProcessId.ToString(), "--warm"], ChildEnvironment.ForDotnet("")));
        var host = new Host(pid, stdout, stderr, control);
        if (!AwaitReady(host))
        {
            Discard(host);
            throw new TimeoutException($"The pre-started child host (pid {pid}) did not say it was ready within {ReadyWaitMs / 1000} s.");
        }
        return host;
    }

    /// <summary>How long a starting host may take to start .NET and warm up (seconds on a loaded 2-core machine).
    /// Past it the host is discarded, and Fork.Run spawns a fresh one itself.</summary>
    private const int ReadyWaitMs = 30_000;

    /// <summary>Waits, bounded, for the host's <see cref="ChildJob.ReadyMarker"/> datagram on its control channel.</summary>
    private static unsafe bool AwaitReady(Host host)
    {
        if (Sys.PollOne(host.Control, POLLIN, ReadyWaitMs) == 0) return false;
        byte marker = 0;
        long n;
        do n = recv(host.Control, &marker, 1, 0);
        while (n == -1 && errno == EINTR);
        return n == 1 && marker == ChildJob.ReadyMarker;
    }

    private static unsafe bool Exited(int pid)
    {
        int status;
        return LibcExtra.waitpid(pid, &status, LibcExtra.WNOHANG) != 0;
    }

    private static unsafe void Discard(Host host)
    {
        kill(host.Pid, SIGKILL);
        int status;
        LibcExtra.waitpid(host.Pid, &status, 0);
        foreach (var fd in new[] { host.Stdout, host.Stderr, host.Control }) close(fd);
    }
}
