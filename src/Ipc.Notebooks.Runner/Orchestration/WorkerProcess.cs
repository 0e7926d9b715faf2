using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
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

    public static WorkerProcess Start(string notebookDirectory, string resultsPath)
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
        start.FileName = host;
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        foreach (var argument in new[] { "worker", "--notebook-dir", notebookDirectory, "--results", resultsPath })
            start.ArgumentList.Add(argument);
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}"));
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
