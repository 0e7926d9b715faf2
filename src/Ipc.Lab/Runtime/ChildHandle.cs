using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using static Ipc.Lab.Native.LibcExtra;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>The engine's side of one child: its pid and pidfd, reaping it (this is the only caller of
/// waitpid for the pid), what it printed, and whether all of that has arrived. A student holds a
/// <c>Processes.ChildProcess</c>, which wraps one of these and says in words what happened; the body compiler
/// holds one directly.</summary>
internal sealed unsafe class ChildHandle : IDisposable
{
    private readonly object _gate = new();
    private readonly List<OutputLine> _output = new();
    private readonly ManualResetEventSlim _drained = new(false);
    private readonly Func<int, string> _describeStatus;
    private int _openStreams;
    private int? _waitStatus;
    private bool _statusLost;

    /// <param name="describeStatus">Words for a wait status, for the trace's Exited event.</param>
    public ChildHandle(int pid, string name, string command, Func<int, string> describeStatus)
    {
        Pid = pid;
        Name = name;
        Command = command;
        _describeStatus = describeStatus;
        PidFd = pidfd_open(pid);
        if (PidFd == -1) throw Sys.Fail(NativeCall.PidFdOpen, $"child {name} (pid {pid})");
        fcntl(PidFd, F_SETFD, FD_CLOEXEC);
        ChildRegistry.Add(this);
        EventTrace.Add(new TraceEvent(EventTrace.Now(), pid, name, TraceKind.Spawned, $"spawned {command}"));
    }

    public int Pid { get; }
    public string Name { get; }
    public string Command { get; }

    /// <summary>Readable (POLLIN) once the child has exited; closed when it is reaped.</summary>
    public int PidFd { get; }

    /// <summary>The status word waitpid stored, once the child has been reaped.</summary>
    public int? WaitStatus
    {
        get { TryReap(); lock (_gate) return _waitStatus; }
    }

    /// <summary>Reaped by someone else (a runtime's SIGCHLD handling when we run as PID 1): it ended, and its
    /// status is not known.</summary>
    public bool StatusLost
    {
        get { TryReap(); lock (_gate) return _statusLost; }
    }

    public bool Reaped
    {
        get { TryReap(); lock (_gate) return _waitStatus is not null || _statusLost; }
    }

    public ChildFailure? Failure { get; set; }

    public IReadOnlyList<OutputLine> Output
    {
        get { lock (_gate) return _output.ToArray(); }
    }

    /// <summary>Everything the child printed has been relayed (its pipes reached end of file).</summary>
    public bool Drained => _drained.IsSet;

    public bool WaitDrained(TimeSpan timeout) => _drained.Wait(timeout);

    /// <summary>Waits, at most <paramref name="milliseconds"/>, for the child to exit and be reaped.</summary>
    public bool WaitForExit(int milliseconds)
    {
        long deadline = Environment.TickCount64 + milliseconds;
        while (!Reaped)
        {
            int left = (int)(deadline - Environment.TickCount64);
            if (left <= 0) return false;
            // Short slices: the sweeper may reap the child and close the pidfd while we poll.
            Sys.PollOne(PidFd, POLLIN, Math.Min(left, 100));
        }
        return true;
    }

    /// <summary>Reaps the child if it has exited; never blocks.</summary>
    public bool TryReap()
    {
        lock (_gate)
        {
            if (_waitStatus is not null || _statusLost) return true;
            int status;
            int r = waitpid(Pid, &status, WNOHANG);
            if (r == Pid)
            {
                _waitStatus = status;
                close(PidFd);
                ChildRegistry.Remove(this);
                EventTrace.Add(new TraceEvent(EventTrace.Now(), Pid, Name, TraceKind.Exited, $"'{Name}' {_describeStatus(status)}"));
                return true;
            }
            if (r == -1 && errno == ECHILD)
            {
                _statusLost = true;
                close(PidFd);
                ChildRegistry.Remove(this);
                return true;
            }
            return false;
        }
    }

    public void AddOutput(OutputLine line)
    {
        lock (_gate) _output.Add(line);
    }

    public void StreamOpened() => Interlocked.Increment(ref _openStreams);

    public void StreamClosed()
    {
        if (Interlocked.Decrement(ref _openStreams) <= 0) _drained.Set();
    }

    public void NoStreams()
    {
        if (Volatile.Read(ref _openStreams) == 0) _drained.Set();
    }

    /// <summary>Kills the child if it still runs, and reaps it.</summary>
    public void Dispose()
    {
        if (TryReap()) return;
        kill(Pid, SIGKILL);
        Sys.PollOne(PidFd, POLLIN, 5000);
        TryReap();
    }
}
