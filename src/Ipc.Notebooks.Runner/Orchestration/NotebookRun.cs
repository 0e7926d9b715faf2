using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Protocol;
using Ipc.Notebooks.Runner.Reporting;

namespace Ipc.Notebooks.Runner.Orchestration;

// Runs one notebook in a fresh worker: sends its code cells one by one, stores what comes back in the cells,
// enforces the per-cell timeout, and records what failed and why in the report.
internal sealed class NotebookRun(RunOptions options, TextWriter progress)
{
    public const string RaisesException = "raises-exception";
    public const string SkipExecution = "skip-execution";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);

    public (NotebookReport Report, NotebookDocument Executed) Execute(string notebookPath)
    {
        var clock = Stopwatch.StartNew();
        var name = Path.GetFileName(notebookPath);
        var report = new NotebookReport(name, Path.GetFullPath(notebookPath));
        var notebook = NotebookDocument.Load(notebookPath);
        if (options.AnswersDirectory is { } answers) AnswerSubstitution.Apply(notebook, answers);

        var scratch = Directory.CreateTempSubdirectory("ipc-notebooks-");
        try
        {
            var resultsPath = Path.Combine(scratch.FullName, "exercise-results.jsonl");
            using (var worker = WorkerProcess.Start(Path.GetDirectoryName(report.SourcePath)!, resultsPath))
                RunCells(notebook, worker, report, clock);
            report.Exercises = ExerciseResultsFile.Read(resultsPath);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        return (report, notebook);
    }

    private void RunCells(NotebookDocument notebook, WorkerProcess worker, NotebookReport report, Stopwatch sinceStart)
    {
        var cells = notebook.Cells;
        var ready = worker.Next(StartupTimeout, out var startTimedOut);
        string? stopped = ready is WorkerReady ? null
            : $"the worker process did not start ({(startTimedOut ? "no answer in " + StartupTimeout.TotalSeconds + " s" : worker.Ended())}): {worker.StderrTail}";
        if (stopped is not null) report.Failures.Add(new CellFailure(0, "", stopped));

        var executionCount = 0;
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            var number = i + 1;
            var source = NotebookDocument.Source(cell);
            if (NotebookDocument.CellType(cell) != "code") continue;
            cell["outputs"] = new JsonArray();
            cell["execution_count"] = null;
            if (NotebookDocument.IsMarkdownMagic(source)) continue;
            var firstLine = NotebookDocument.FirstLine(source);

            if (stopped is not null)
            {
                report.CellsNotRun++;
                Progress(report.Name, number, cells.Count, "·", null, firstLine, "not run");
                continue;
            }
            if (NotebookDocument.HasTag(cell, SkipExecution))
            {
                report.CellsSkipped++;
                Progress(report.Name, number, cells.Count, "⏭", null, firstLine, "skipped");
                continue;
            }

            executionCount++;
            cell["execution_count"] = executionCount;
            var clock = Stopwatch.StartNew();
            worker.Send(new ExecuteCell(number, source, executionCount));
            var done = AwaitDone(worker, options.CellTimeout, out var timedOut);
            var outputs = (JsonArray)cell["outputs"]!;
            string? failure;
            if (done is not null)
            {
                foreach (var output in done.Outputs) outputs.Add(output?.DeepClone());
                report.FirstResultSeconds ??= sinceStart.Elapsed.TotalSeconds;
                failure = Judge(done.Outcome, NotebookDocument.HasTag(cell, RaisesException), outputs);
            }
            else
            {
                failure = timedOut ? StopStuckCell(worker, report.Name, number, firstLine, outputs) : Crashed(worker, report.Name, number, firstLine, outputs);
                stopped = failure;
            }

            if (failure is null) report.CellsOk++;
            else
            {
                report.CellsFailed++;
                report.Failures.Add(new CellFailure(number, firstLine, failure));
            }
            Progress(report.Name, number, cells.Count, failure is null ? "✓" : "✗", clock.Elapsed.TotalSeconds, firstLine, null);
        }

        if (stopped is null)
        {
            worker.Send(new ExitWorker());
            if (!worker.WaitForExit(TimeSpan.FromSeconds(10))) worker.Kill();
        }
    }

    private static CellDone? AwaitDone(WorkerProcess worker, TimeSpan timeout, out bool timedOut)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var remaining = timeout - deadline.Elapsed;
            var message = worker.Next(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, out timedOut);
            if (timedOut || message is null) return null;
            if (message is CellDone done) return done;
        }
    }

    // Null when the cell counts as passed. Shared with KernelNotebookRun: both engines judge alike.
    internal static string? Judge(string? outcome, bool raisesException, JsonArray outputs)
    {
        var error = outputs.LastOrDefault(o => (string?)o?["output_type"] == "error");
        var what = error is null ? outcome : $"{(string?)error["ename"]}: {(string?)error["evalue"]}";
        if (raisesException)
        {
            if (outcome == CellOutcome.Exception) return null;
            if (outcome != CellOutcome.Ok) return what;
            const string message = "expected an exception (the cell is tagged raises-exception), but the cell completed without one";
            outputs.Add(Outputs.Error("ExpectedExceptionNotRaised", message, [message]));
            return message;
        }
        return outcome == CellOutcome.Ok ? null : what;
    }

    private string StopStuckCell(WorkerProcess worker, string notebook, int cell, string firstLine, JsonArray outputs)
    {
        // Ask what the cell is doing before killing it: afterwards there is nobody left to ask.
        worker.Send(new StatusRequest());
        WorkerStatus? status = null;
        var wait = Stopwatch.StartNew();
        while (status is null && wait.Elapsed < StatusTimeout)
        {
            var message = worker.Next(StatusTimeout - wait.Elapsed, out var timedOut);
            if (timedOut || message is null) break;
            if (message is WorkerStatus reply) status = reply;
        }
        worker.Kill();

        var doing = status is null
            ? "The worker did not answer a status request."
            : $"It had been running for {Seconds(status.ElapsedSeconds)}" +
              (status.Activity is { Length: > 0 } activity ? $"; Ipc.Lab reports: {activity}" : "; no Ipc.Lab activity was reported") + ".";
        if (status?.Output is { Length: > 0 } printed) outputs.Add(Outputs.Stream("stdout", printed));
        var message2 = $"{notebook}, cell {cell} ({firstLine}) did not finish within {Seconds(options.CellTimeout.TotalSeconds)} and its worker process was killed. {doing} The remaining cells of this notebook were not run.";
        outputs.Add(Outputs.Error("CellTimeoutError", message2, [message2]));
        return message2;
    }

    private static string Crashed(WorkerProcess worker, string notebook, int cell, string firstLine, JsonArray outputs)
    {
        var ended = worker.Ended();
        var tail = worker.StderrTail;
        var message = $"{notebook}, cell {cell} ({firstLine}): the worker process ended ({ended}) while running this cell. The remaining cells of this notebook were not run." +
                      (tail.Length > 0 ? $"\nLast output of the worker on stderr:\n{tail}" : "");
        outputs.Add(Outputs.Error("KernelDiedError", message, message.Split('\n')));
        return message;
    }

    private void Progress(string notebook, int cell, int cells, string mark, double? seconds, string firstLine, string? note) =>
        Progress(progress, notebook, cell, cells, mark, seconds, firstLine, note);

    internal static void Progress(TextWriter progress, string notebook, int cell, int cells, string mark, double? seconds, string firstLine, string? note)
    {
        var shown = firstLine.Length > 70 ? firstLine[..69] + "…" : firstLine;
        var time = seconds is { } s ? Seconds(s) : note;
        progress.WriteLine($"{notebook} [{cell}/{cells}] {mark} {time,8}  {shown}");
        progress.Flush();
    }

    private static string Seconds(double seconds) => seconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
