using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Jupyter;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Protocol;
using Ipc.Notebooks.Runner.Reporting;

namespace Ipc.Notebooks.Runner.Orchestration;

// `run --engine kernel`: one notebook in the real .NET Interactive kernel — what students run — driven through
// Jupyter's protocol by nbclient. Same inputs, outputs and judgement as NotebookRun; what differs is who executes
// (the kernel, not our worker) and how a stuck cell ends (nbclient's timeout, then the kernel is killed).
internal sealed partial class KernelNotebookRun(RunOptions options, TextWriter progress)
{
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);
    // Beyond nbclient's own timeouts: shutting the kernel down, Python's start, a slow machine.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    public (NotebookReport Report, NotebookDocument Executed) Execute(string notebookPath)
    {
        var clock = Stopwatch.StartNew();
        var name = Path.GetFileName(notebookPath);
        var report = new NotebookReport(name, Path.GetFullPath(notebookPath)) { Engine = "kernel" };
        var notebook = NotebookDocument.Load(notebookPath);
        if (options.AnswersDirectory is { } answers) AnswerSubstitution.Apply(notebook, answers);

        var scratch = Directory.CreateTempSubdirectory("ipc-notebooks-kernel-");
        try
        {
            var resultsPath = Path.Combine(scratch.FullName, "exercise-results.jsonl");
            RunCells(notebook, scratch.FullName, resultsPath, report);
            report.Exercises = ExerciseResultsFile.Read(resultsPath);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        return (report, notebook);
    }

    private sealed record PlannedCell(int Index, int Number, int ExecutionCount);

    private void RunCells(NotebookDocument notebook, string scratch, string resultsPath, NotebookReport report)
    {
        var cells = notebook.Cells;
        // Which cells run is decided here, as NotebookRun decides it, so both engines skip and count alike.
        var planned = new List<PlannedCell>();
        var executionCount = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            if (NotebookDocument.CellType(cell) != "code") continue;
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
            var source = NotebookDocument.Source(cell);
            if (NotebookDocument.IsMarkdownMagic(source) || NotebookDocument.HasTag(cell, NotebookRun.SkipExecution)) continue;
            planned.Add(new PlannedCell(i, i + 1, ++executionCount));
        }

        string? stopped = null;
        Driver? driver = null;
        try
        {
            driver = Driver.Start(notebook, report.SourcePath, scratch, resultsPath, planned, options.CellTimeout, progress);
        }
        catch (KernelspecException e)
        {
            stopped = e.Message;
            report.Failures.Add(new CellFailure(0, "", stopped));
        }

        using (driver)
        {
            var next = 0;
            for (var i = 0; i < cells.Count; i++)
            {
                var cell = cells[i];
                var number = i + 1;
                if (NotebookDocument.CellType(cell) != "code") continue;
                var source = NotebookDocument.Source(cell);
                if (NotebookDocument.IsMarkdownMagic(source)) continue;
                var firstLine = NotebookDocument.FirstLine(source);
                if (stopped is not null)
                {
                    report.CellsNotRun++;
                    NotebookRun.Progress(progress, report.Name, number, cells.Count, "·", null, firstLine, "not run");
                    continue;
                }
                if (NotebookDocument.HasTag(cell, NotebookRun.SkipExecution))
                {
                    report.CellsSkipped++;
                    NotebookRun.Progress(progress, report.Name, number, cells.Count, "⏭", null, firstLine, "skipped");
                    continue;
                }

                var plan = planned[next++];
                cell["execution_count"] = plan.ExecutionCount;
                var outputs = (JsonArray)cell["outputs"]!;
                // The first cell also waits for the kernel to start (up to four times, see the driver).
                var wait = options.CellTimeout + Margin + (plan == planned[0] ? 4 * (StartupTimeout + options.CellTimeout) : TimeSpan.Zero);
                var (kind, message) = driver!.NextCellEvent(wait);
                double? seconds = null;
                string? failure;
                switch (kind)
                {
                    case "cell":
                        foreach (var output in message!["outputs"]?.AsArray() ?? []) outputs.Add(output?.DeepClone());
                        if (message["execution"] is JsonObject { Count: > 0 } execution)
                        {
                            // nbclient's record_timing: when the kernel took the cell and when it answered, per cell.
                            var metadata = cell["metadata"] as JsonObject ?? (JsonObject)(cell["metadata"] = new JsonObject());
                            metadata["execution"] = execution.DeepClone();
                            seconds = CellSeconds(execution);
                        }
                        report.FirstResultSeconds ??= driver.SecondsSinceLaunch((double?)message["time"]);
                        var outcome = outputs.Any(o => (string?)o?["output_type"] == "error") ? CellOutcome.Exception : CellOutcome.Ok;
                        failure = NotebookRun.Judge(outcome, NotebookDocument.HasTag(cell, NotebookRun.RaisesException), outputs);
                        break;
                    case "timeout":
                        foreach (var output in message!["outputs"]?.AsArray() ?? []) outputs.Add(output?.DeepClone());
                        failure = $"{report.Name}, cell {number} ({firstLine}) did not finish within {Seconds(options.CellTimeout.TotalSeconds)} in the .NET Interactive kernel, " +
                                  "so the kernel was killed (it cannot abort a running cell). The remaining cells of this notebook were not run.";
                        outputs.Add(Outputs.Error("CellTimeoutError", failure, [failure]));
                        stopped = failure;
                        break;
                    case "died":
                        foreach (var output in message!["outputs"]?.AsArray() ?? []) outputs.Add(output?.DeepClone());
                        failure = $"{report.Name}, cell {number} ({firstLine}): the .NET Interactive kernel died while running this cell. The remaining cells of this notebook were not run." +
                                  driver.StderrTailText();
                        outputs.Add(Outputs.Error("KernelDiedError", failure, failure.Split('\n')));
                        stopped = failure;
                        break;
                    case "fatal":
                        // Nothing ran: the kernel did not start, or nbclient gave up on it.
                        failure = $"the .NET Interactive kernel could not run this notebook: {(string?)message!["message"]}" + driver.StderrTailText();
                        report.Failures.Add(new CellFailure(0, "", failure));
                        stopped = failure;
                        report.CellsNotRun++;
                        NotebookRun.Progress(progress, report.Name, number, cells.Count, "·", null, firstLine, "not run");
                        continue;
                    default:
                        failure = kind == "overrun"
                            ? $"{report.Name}, cell {number} ({firstLine}): the Jupyter driver reported nothing within {Seconds(wait.TotalSeconds)} (nbclient's own cell timeout is {Seconds(options.CellTimeout.TotalSeconds)}), so it and its kernel were killed. The remaining cells of this notebook were not run."
                            : $"{report.Name}, cell {number} ({firstLine}): the Jupyter driver ended ({driver.Ended()}) while running this cell. The remaining cells of this notebook were not run." + driver.StderrTailText();
                        outputs.Add(Outputs.Error("KernelDiedError", failure, failure.Split('\n')));
                        stopped = failure;
                        break;
                }

                if (failure is null) report.CellsOk++;
                else
                {
                    report.CellsFailed++;
                    report.Failures.Add(new CellFailure(number, firstLine, failure));
                }
                NotebookRun.Progress(progress, report.Name, number, cells.Count, failure is null ? "✓" : "✗", seconds, firstLine, seconds is null ? "-" : null);
            }
            driver?.Finish(ShutdownTimeout);
        }
    }

    private static double? CellSeconds(JsonObject execution)
    {
        static DateTimeOffset? At(JsonNode? node) =>
            (string?)node is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        var start = At(execution["iopub.execute_input"]) ?? At(execution["iopub.status.busy"]);
        var end = At(execution["shell.execute_reply"]) ?? At(execution["iopub.status.idle"]);
        return start is { } s && end is { } e ? (e - s).TotalSeconds : null;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";

    // The Python process running ipc_nbclient_driver.py, and the kernel it started, seen from here.
    private sealed class Driver : IDisposable
    {
        private readonly Process _process;
        private readonly bool _ownGroup;
        private readonly string _notebook;
        private readonly TextWriter _log;
        private readonly Stopwatch _overall = Stopwatch.StartNew();
        private readonly TimeSpan _overallLimit;
        private readonly BlockingCollection<JsonObject?> _events = [];
        private readonly OutputTail _stderr = new();
        private int? _kernelPid;
        private double? _launchTime;

        private Driver(Process process, bool ownGroup, TimeSpan overallLimit, string notebook, TextWriter log)
        {
            _process = process;
            _notebook = notebook;
            _log = log;
            _ownGroup = ownGroup;
            _overallLimit = overallLimit;
            new Thread(ReadEvents) { IsBackground = true, Name = "nbclient events" }.Start();
            _stderr.Follow(process.StandardError, "nbclient stderr");
        }

        public static Driver Start(NotebookDocument notebook, string sourcePath, string scratch, string resultsPath,
            IReadOnlyList<PlannedCell> planned, TimeSpan cellTimeout, TextWriter log)
        {
            var python = JupyterPython.Find();
            // A private JUPYTER_PATH with the course's own kernelspec: the run does not depend on (or change) the
            // user's Jupyter set-up, and always uses the kernel the repository pins.
            var jupyterPath = Path.Combine(scratch, "jupyter");
            CourseKernelspec.WriteToJupyterPath(jupyterPath, log);
            var runtime = Directory.CreateDirectory(Path.Combine(scratch, "runtime")).FullName;

            // The substituted copy lives here; the kernel still runs in the notebook's own folder (see the driver).
            var copy = Path.Combine(scratch, Path.GetFileName(sourcePath));
            notebook.Save(copy);
            var spec = Path.Combine(scratch, "spec.json");
            File.WriteAllText(spec, new JsonObject
            {
                ["notebook"] = copy,
                ["workingDirectory"] = Path.GetDirectoryName(sourcePath),
                ["kernelName"] = CourseKernelspec.Name,
                ["cellTimeout"] = cellTimeout.TotalSeconds,
                ["startupTimeout"] = StartupTimeout.TotalSeconds,
                ["cells"] = new JsonArray([.. planned.Select(p => (JsonNode)new JsonArray(p.Index, p.ExecutionCount))]),
            }.ToJsonString());
            var script = Path.Combine(scratch, NbclientDriver.FileName);
            File.WriteAllText(script, NbclientDriver.Source, new UTF8Encoding(false));

            // setsid makes the driver a process-group leader, so one kill reaches it and everything it started in
            // its group; the kernel gets its own session from jupyter_client and is killed by its pid.
            var setsid = JupyterPython.FindOnPath("setsid");
            var start = new ProcessStartInfo(setsid ?? python)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = new UTF8Encoding(false),
                StandardErrorEncoding = new UTF8Encoding(false),
                WorkingDirectory = scratch,
            };
            if (setsid is not null) start.ArgumentList.Add(python);
            start.ArgumentList.Add(script);
            start.ArgumentList.Add(spec);
            start.Environment["JUPYTER_PATH"] = jupyterPath;
            start.Environment["JUPYTER_RUNTIME_DIR"] = runtime;
            // The kernel inherits this; the course library's checks append their results there.
            start.Environment["IPC_LAB_RESULTS"] = resultsPath;
            start.Environment["PYTHONUNBUFFERED"] = "1";
            var process = Process.Start(start) ?? throw new KernelspecException($"could not start {python}");
            process.StandardInput.Close();
            // Up to four kernel starts (see the driver's retry), then every cell at most its timeout.
            var limit = 4 * (StartupTimeout + cellTimeout) + cellTimeout * Math.Max(1, planned.Count) + Margin + ShutdownTimeout;
            return new Driver(process, setsid is not null, limit, Path.GetFileName(sourcePath), log);
        }

        /// <summary>The next event that concludes a cell ("cell", "timeout", "died", "fatal"), "ended" when the
        /// driver's stdout closed, or "overrun" when nothing came in time (then the driver and kernel are killed).</summary>
        public (string Kind, JsonObject? Event) NextCellEvent(TimeSpan wait)
        {
            var waited = Stopwatch.StartNew();
            while (true)
            {
                var remaining = Min(wait - waited.Elapsed, _overallLimit - _overall.Elapsed);
                if (remaining <= TimeSpan.Zero || !_events.TryTake(out var message, remaining))
                {
                    KillAll();
                    return ("overrun", null);
                }
                if (message is null) return ("ended", null);
                switch ((string?)message["event"])
                {
                    case "launching": _launchTime = (double?)message["time"]; break;
                    case "started": _kernelPid = (int?)message["pid"]; break;
                    case "retry":
                        _log.WriteLine($"{_notebook}: the .NET Interactive kernel did not start ({(string?)message["message"]}); starting it again " +
                                       $"(attempt {(int?)message["attempt"] + 1} of {(int?)message["attempts"]}).");
                        break;
                    case var kind when kind is "cell" or "timeout" or "died" or "fatal": return (kind, message);
                }
            }
        }

        public double? SecondsSinceLaunch(double? time) => time is { } t && _launchTime is { } l ? t - l : null;

        /// <summary>After the last cell: let nbclient shut the kernel down, within a bound.</summary>
        public void Finish(TimeSpan timeout)
        {
            if (!_process.WaitForExit(timeout)) KillAll();
        }

        public string Ended()
        {
            return OutputTail.HowItEnded(_process);
        }

        public string StderrTailText()
        {
            var tail = _stderr.ToString();
            return tail.Length > 0 ? $"\nLast output of the kernel and its Jupyter driver on stderr:\n{tail}" : "";
        }

        private void KillAll()
        {
            const int SIGKILL = 9;
            // The kernel leads its own process group (jupyter_client starts it in a new session); the Ipc.Lab
            // guardian takes care of the children it started once the kernel is gone.
            if (_kernelPid is { } kernel) _ = Kill(-kernel, SIGKILL);
            if (_ownGroup && !_process.HasExited) _ = Kill(-_process.Id, SIGKILL);
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            _process.WaitForExit(5000);
        }

        public void Dispose()
        {
            if (!_process.HasExited) KillAll();
            _process.Dispose();
        }

        private void ReadEvents()
        {
            try
            {
                while (_process.StandardOutput.ReadLine() is { } line)
                {
                    if (line.Length == 0) continue;
                    try
                    {
                        if (JsonNode.Parse(line) is JsonObject message) _events.Add(message);
                    }
                    catch (System.Text.Json.JsonException)
                    {
                        _stderr.Append(line + "\n");
                    }
                }
            }
            catch (IOException)
            {
                // The pipe broke with the process: same as the end of the stream.
            }
            _events.Add(null);
        }

        private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
