using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Runtime;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Processes;

/// <summary>A real child process of this one: its pid, what it printed, and how it ended. Waiting takes a
/// timeout; disposing kills and reaps a child that is still running, so none is left behind. The engine's
/// side (reaping, the relayed output) is a Runtime.ChildHandle; this class says in words what happened.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly ChildHandle _handle;
    private ExitStatus? _status;

    internal ChildProcess(ChildHandle handle) => _handle = handle;

    public int Pid => _handle.Pid;

    /// <summary>The name the trace and the output use for this child.</summary>
    public string Name => _handle.Name;

    /// <summary>What was started (program and arguments, or "C# body").</summary>
    public string Command => _handle.Command;

    /// <summary>How the child ended; null while it runs (or has not been reaped yet).</summary>
    public ExitStatus? Status => _status ??= _handle.StatusLost ? new ExitStatus.Lost() : _handle.WaitStatus is int w ? ExitStatus.FromWaitStatus(w) : null;

    public bool HasExited => _handle.Reaped;

    /// <summary>An exception that escaped the child's body, if one did.</summary>
    public ChildFailure? Failure => _handle.Failure;

    /// <summary>Every line the child wrote to stdout and stderr so far, in the order they arrived.</summary>
    public IReadOnlyList<OutputLine> Output => _handle.Output;

    /// <summary>What the child wrote to stdout, one string.</summary>
    public string StandardOutput => string.Join("\n", Output.Where(l => !l.IsError).Select(l => l.Text));

    /// <summary>waitpid(2) with a timeout: waits for the child to exit, reaps it, and waits until everything it
    /// printed has been shown. Fails after the timeout with the child's state as the kernel reports it.</summary>
    public ExitStatus Wait(TimeSpan? timeout = null)
    {
        int ms = Lab.ToMilliseconds(timeout);
        long deadline = Environment.TickCount64 + ms;
        if (!HasExited)
        {
            using (Activity.Begin($"waiting for child '{Name}' (pid {Pid}) to exit"))
            {
                if (!_handle.WaitForExit(ms))
                {
                    var state = ProcessState.Describe(Pid) ?? "gone";
                    throw new WaitTimeoutException(
                        $"Waiting for child '{Name}' (pid {Pid}) to exit took longer than {ms / 1000.0:0.###} s; it is still there, state {state}. " +
                        "If it is blocked, something it waits for never comes (an end of file, a message, a semaphore); " +
                        "if it is meant to run longer, pass a longer timeout, or Kill() it.");
                }
            }
        }
        // Exited: its pipes reach end of file at once, unless a grandchild still holds them.
        _handle.WaitDrained(TimeSpan.FromMilliseconds(Math.Clamp(deadline - Environment.TickCount64, 200, 2000)));
        return Status!;
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
    public void WaitUntilStopped(TimeSpan? timeout = null)
    {
        WaitForState("T", timeout);
        EventTrace.Record(TraceKind.Note, $"saw '{Name}' stopped");
    }

    /// <summary>Waits until the child is no longer stopped (after SIGCONT).</summary>
    public void WaitUntilContinued(TimeSpan? timeout = null) => WaitForState("RSD", timeout);

    private bool AllThreadsIn(string states) => ProcStat.ThreadsOf(Pid) is { } threads && threads.All(t => states.Contains(t.State));

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
                if (Status is { } s && _handle.Drained)
                    throw new InvalidOperationException($"Child '{Name}' (pid {Pid}) {s} without printing \"{text}\".");
                if (Environment.TickCount64 > deadline)
                    throw new WaitTimeoutException($"Waiting for child '{Name}' (pid {Pid}) to print \"{text}\" took longer than {ms / 1000.0:0.###} s; its state is {ProcessState.Describe(Pid) ?? "gone"}.");
                Thread.Sleep(2);
            }
        }
    }

    /// <summary>kill(2): sends a signal to the child — <c>Posix.Kill(Pid, signal)</c>, refused once the child has
    /// been reaped (its pid may belong to another process by then).</summary>
    public void Kill(Signal signal = Signal.SIGKILL)
    {
        if (Status is { } status)
            throw new SyscallException(NativeCall.Kill, Errno.ESRCH, $"child '{Name}' (pid {Pid}) has already exited ({status}) and been reaped",
                "a child can be signalled only while it runs");
        Posix.Kill(Pid, signal);
    }

    /// <summary>Kills the child if it still runs, and reaps it.</summary>
    public void Dispose() => _handle.Dispose();

    public override string ToString() => $"child '{Name}' (pid {Pid}): {(Status is { } s ? s.ToString() : "running")}";

    /// <summary>Words for a wait status, as the trace's Exited event shows them.</summary>
    internal static string Describe(int waitStatus) => ExitStatus.FromWaitStatus(waitStatus).ToString();
}
