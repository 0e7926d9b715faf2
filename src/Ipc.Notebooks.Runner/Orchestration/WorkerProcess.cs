using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Ipc.Notebooks.Runner.Containment;
using Ipc.Notebooks.Runner.Protocol;

namespace Ipc.Notebooks.Runner.Orchestration;

// A worker process running one notebook, seen from the runner: commands go to its stdin, events come back
// as JSON lines on its stdout. Each notebook gets a fresh one, because a DLL loaded by #r cannot be unloaded
// or reloaded, and a killed worker takes nothing else down with it.
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly JsonLines _commands;
    private readonly BlockingCollection<WorkerEvent?> _events = [];
    private readonly OutputTail _stderr = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        _commands = new JsonLines(process.StandardInput);
        new Thread(ReadEvents) { IsBackground = true, Name = "worker events" }.Start();
        _stderr.Follow(process.StandardError, "worker stderr");
    }

    public static WorkerProcess Start(string notebookDirectory, string resultsPath) =>
        Start(notebookDirectory, resultsPath, new WorkerLaunch(null, null, false, null));

    /// <summary>A worker inside <see cref="WorkerLaunch.Sandbox"/> (adopted before it runs any cell), with its own
    /// temporary folder and, where <see cref="WorkerLaunch.Isolate"/>, its own IPC namespace and /dev/shm.</summary>
    public static WorkerProcess Start(string notebookDirectory, string resultsPath, WorkerLaunch launch)
    {
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            StandardInputEncoding = new UTF8Encoding(false),
            WorkingDirectory = notebookDirectory,
        };
        // The same host that runs us: `dotnet runner.dll` when started through dotnet, the apphost otherwise.
        var host = Environment.ProcessPath ?? "dotnet";
        var command = new List<string> { host };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") command.Add(typeof(WorkerProcess).Assembly.Location);
        command.AddRange(["worker", "--notebook-dir", notebookDirectory, "--results", resultsPath]);
        if (launch.OutputLimit is { } limit) command.AddRange(["--output-limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        if (launch.Isolate) command.InsertRange(0, Namespaces.Prefix);
        start.FileName = command[0];
        foreach (var argument in command.Skip(1)) start.ArgumentList.Add(argument);
        if (launch.Sandbox is { } sandbox) start.Environment[Sandbox.TagVariable] = sandbox.Tag;
        foreach (var (name, value) in launch.Environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        Sandbox.Workers[process.Id] = true;
        try
        {
            launch.Sandbox?.Adopt(process.Id);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            process.Kill();
            throw new IOException($"could not put the worker (pid {process.Id}) into its {launch.Sandbox!.Kind}: {e.Message}", e);
        }
        return new WorkerProcess(process);
    }

    public int Id => _process.Id;

    public void Send(WorkerCommand command)
    {
        try
        {
            _commands.Send(command);
        }
        catch (IOException)
        {
            // The worker is gone; the caller finds out from the end of its event stream.
        }
    }

    // The next event, or null when the worker's stdout ended (it exited or died). TimedOut when none came in time.
    public WorkerEvent? Next(TimeSpan timeout, out bool timedOut)
    {
        timedOut = !_events.TryTake(out var message, timeout);
        return message;
    }

    public string Ended()
    {
        return OutputTail.HowItEnded(_process);
    }

    /// <summary>The exit code (128 + the signal's number for a killed worker) once it has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string StderrTail
    {
        get => _stderr.ToString();
    }

    public void Kill()
    {
        try
        {
            // SIGKILL: a stuck cell cannot be asked to stop, and the course library sees to the worker's children.
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        Sandbox.Workers.TryRemove(_process.Id, out _);
        _process.Dispose();
    }

    private void ReadEvents()
    {
        try
        {
            while (_process.StandardOutput.ReadLine() is { } line)
            {
                if (JsonLines.Parse<WorkerEvent>(line) is { } message) _events.Add(message);
                else _stderr.Append("(stdout) " + line + "\n");
            }
        }
        catch (IOException)
        {
        }
        _events.Add(null);
    }
}

/// <summary>How a worker is started: in which sandbox (null: none), with which variables added to its environment
/// (its own TMPDIR, HOME, compile cache), in namespaces of its own or not, and how much output a cell may keep.</summary>
internal sealed record WorkerLaunch(Sandbox? Sandbox, IReadOnlyDictionary<string, string>? Environment, bool Isolate, long? OutputLimit);
