using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Signals;
using static Ipc.Lab.Native.LibcExtra;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Processes;

/// <summary>A real child process of this one: its pid, what it printed, and how it ended. Waiting takes a
/// timeout; disposing kills and reaps a child that is still running, so none is left behind.</summary>
public sealed unsafe class ChildProcess : IDisposable
{
    private readonly object _gate = new();
    private readonly List<OutputLine> _output = new();
    private readonly int _pidfd;
    private readonly ManualResetEventSlim _drained = new(false);
    private int _openStreams;
    private ExitStatus? _status;

    internal ChildProcess(int pid, string name, string command)
    {
        Pid = pid;
        Name = name;
        Command = command;
        _pidfd = pidfd_open(pid);
        if (_pidfd == -1) throw Sys.Fail("pidfd_open", $"child {name} (pid {pid})");
        fcntl(_pidfd, F_SETFD, FD_CLOEXEC);
        ChildRegistry.Add(this);
        EventTrace.Add(new TraceEvent(EventTrace.Now(), pid, name, TraceKind.Spawned, $"spawned {command}"));
    }

    public int Pid { get; }

    /// <summary>The name the trace and the output use for this child.</summary>
    public string Name { get; }

    /// <summary>What was started (program and arguments, or "C# body").</summary>
    public string Command { get; }

    /// <summary>How the child ended; null while it runs (or has not been reaped yet).</summary>
    public ExitStatus? Status
    {
        get { TryReap(); lock (_gate) return _status; }
    }

    public bool HasExited => Status is not null;

    /// <summary>An exception that escaped the child's body, if one did.</summary>
    public ChildFailure? Failure { get; internal set; }

    /// <summary>Every line the child wrote to stdout and stderr so far, in the order they arrived.</summary>
    public IReadOnlyList<OutputLine> Output
    {
        get { lock (_gate) return _output.ToArray(); }
    }

    /// <summary>What the child wrote to stdout, one string.</summary>
    public string StandardOutput => string.Join("\n", Output.Where(l => !l.IsError).Select(l => l.Text));

    /// <summary>waitpid(2) with a timeout: waits for the child to exit, reaps it, and waits until everything it
    /// printed has been shown. Fails after the timeout with the child's state as the kernel reports it.</summary>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        if (Status is null)
        {
            using (Activity.Begin($"waiting for child '{Name}' (pid {Pid}) to exit"))
            {
                while (Status is null)
                {
                    int left = (int)(deadline - Environment.TickCount64);
                    if (left <= 0)
                    {
                        var state = ProcessState.Describe(Pid) ?? "gone";
                        throw new WaitTimeoutException(
                            $"Waiting for child '{Name}' (pid {Pid}) to exit took longer than {ms / 1000.0:0.###} s; it is still there, state {state}. " +
                            "If it is blocked, something it waits for never comes (an end of file, a message, a semaphore); " +
                            "if it is meant to run longer, pass a longer timeout, or Kill() it.");
                    }
                    // Short slices: the sweeper may reap the child and close the pidfd while we poll.
                    Sys.PollOne(_pidfd, POLLIN, Math.Min(left, 100));
                }
            }
        }
        // Exited: its pipes reach end of file at once, unless a grandchild still holds them.
        _drained.Wait(TimeSpan.FromMilliseconds(Math.Clamp(deadline - Environment.TickCount64, 200, 2000)));
        return _status!;
    }

    /// <summary>Waits until the kernel reports the child in one of <paramref name="states"/> (letters of
    /// /proc/PID/stat: 'T' stopped, 'S' sleeping, 'R' running ...). waitpid here reaps exits only, so a stop is
    /// read from /proc, which shows it as soon as the kernel has stopped every thread of the child.</summary>
    public void WaitForState(string states, TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        using (Activity.Begin($"waiting for child '{Name}' (pid {Pid}) to be in state {states}"))
        {
            while (true)
            {
                var letter = Status is null ? ProcessState.Letter(Pid) : null;
                if (letter is char c && c != 'Z' && states.Contains(c) && AllThreadsIn(states)) return;
                if (Status is { } s)
                    throw new InvalidOperationException($"Child '{Name}' (pid {Pid}) {s} while we waited for state {states}.");
                if (Environment.TickCount64 > deadline)
                    throw new WaitTimeoutException($"Waiting for child '{Name}' (pid {Pid}) to be in state {states} took longer than {ms / 1000.0:0.###} s; its state is {ProcessState.Describe(Pid) ?? "gone"}.");
                Thread.Sleep(2);
            }
        }
    }

    /// <summary>Waits until the child is stopped (SIGSTOP, SIGTSTP ...), every thread of it.</summary>
    public void WaitUntilStopped(TimeSpan? timeout = null) => WaitForState("T", timeout);

    /// <summary>Waits until the child is no longer stopped (after SIGCONT).</summary>
    public void WaitUntilContinued(TimeSpan? timeout = null) => WaitForState("RSD", timeout);

    private bool AllThreadsIn(string states)
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{Pid}/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                if (!states.Contains(stat[stat.LastIndexOf(')') + 2])) return false;
            }
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    /// <summary>Waits until the child has printed a line containing <paramref name="text"/> — the way to know
    /// it has reached a point in its body (installed a handler, blocked a signal) before acting on it.</summary>
    public void WaitForOutput(string text, TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        using (Activity.Begin($"waiting for child '{Name}' (pid {Pid}) to print \"{text}\""))
        {
            while (!Output.Any(l => l.Text.Contains(text, StringComparison.Ordinal)))
            {
                if (Status is { } s && _drained.IsSet)
                    throw new InvalidOperationException($"Child '{Name}' (pid {Pid}) {s} without printing \"{text}\".");
                if (Environment.TickCount64 > deadline)
                    throw new WaitTimeoutException($"Waiting for child '{Name}' (pid {Pid}) to print \"{text}\" took longer than {ms / 1000.0:0.###} s; its state is {ProcessState.Describe(Pid) ?? "gone"}.");
                Thread.Sleep(2);
            }
        }
    }

    /// <summary>kill(2): sends a signal to the child.</summary>
    public void Kill(Signal signal = Signal.SIGKILL)
    {
        if (Status is not null)
            throw new SyscallException("kill", Errno.ESRCH, $"child '{Name}' (pid {Pid}) has already exited ({_status}) and been reaped",
                "a child can be signalled only while it runs");
        Sys.Kill(Pid, (int)signal);
        EventTrace.Record(TraceKind.Signal, $"sent {SignalNames.Describe((int)signal)} to '{Name}' (pid {Pid})");
    }

    /// <summary>Reaps the child if it has exited; never blocks. The only caller of waitpid for this pid.</summary>
    internal bool TryReap()
    {
        lock (_gate)
        {
            if (_status is not null) return true;
            int status;
            int r = waitpid(Pid, &status, WNOHANG);
            if (r == Pid)
            {
                _status = ExitStatus.FromWaitStatus(status);
                close(_pidfd);
                ChildRegistry.Remove(this);
                EventTrace.Add(new TraceEvent(EventTrace.Now(), Pid, Name, TraceKind.Exited, $"'{Name}' {_status}"));
                return true;
            }
            if (r == -1 && errno == ECHILD)
            {
                // Someone else reaped it (a runtime's SIGCHLD handling when we run as PID 1): say so rather than hang.
                _status = ExitStatus.FromExitCode(-1);
                close(_pidfd);
                ChildRegistry.Remove(this);
                return true;
            }
            return false;
        }
    }

    internal void AddOutput(OutputLine line)
    {
        lock (_gate) _output.Add(line);
    }

    internal void StreamOpened() => Interlocked.Increment(ref _openStreams);

    internal void StreamClosed()
    {
        if (Interlocked.Decrement(ref _openStreams) <= 0) _drained.Set();
    }

    internal void NoStreams()
    {
        if (Volatile.Read(ref _openStreams) == 0) _drained.Set();
    }

    /// <summary>Kills the child if it still runs, and reaps it.</summary>
    public void Dispose()
    {
        if (TryReap()) return;
        kill(Pid, SIGKILL);
        Sys.PollOne(_pidfd, POLLIN, 5000);
        TryReap();
    }

    public override string ToString() => $"child '{Name}' (pid {Pid}): {(Status is { } s ? s.ToString() : "running")}";
}
