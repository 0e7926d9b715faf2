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

    /// <summary>Hands the job to the ready host, if there is one alive, and returns its pid and channels.</summary>
    public static bool TryTake(byte[] job, IReadOnlyList<int> descriptors, out int pid, out int stdout, out int stderr, out int control)
    {
        Host? host;
        lock (Gate)
        {
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

    /// <summary>Kills the ready host (a test that counts processes or descriptors calls this first). A host
    /// that is being started right now is waited for (at most 30 s) and killed too: otherwise its pipes and
    /// its process would appear a moment after Drain returned.</summary>
    public static void Drain()
    {
        Host? host;
        lock (Gate)
        {
            long deadline = Environment.TickCount64 + 30_000;
            while (_starting)
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) break;
                Monitor.Wait(Gate, (int)left);
            }
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
        return new Host(pid, stdout, stderr, control);
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
