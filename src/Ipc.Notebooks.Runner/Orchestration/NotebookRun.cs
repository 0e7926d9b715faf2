using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Security.Cryptography;
using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Containment;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Protocol;
using Ipc.Notebooks.Runner.Reporting;

namespace Ipc.Notebooks.Runner.Orchestration;

// Runs one notebook in a fresh worker: sends its code cells one by one, stores what comes back in the cells,
// enforces the per-cell timeout, and records what failed and why in the report.
internal sealed class NotebookRun(RunSettings settings, TextWriter progress)
{
    public const string RaisesException = "raises-exception";
    public const string SkipExecution = "skip-execution";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan CpuPoll = TimeSpan.FromMilliseconds(250);
    // After the worker has gone, the course library's guardian removes the run's kernel objects and kills its
    // group; it gets this long before whatever is still in the sandbox is killed.
    private static readonly TimeSpan GuardianGrace = TimeSpan.FromSeconds(3);

    public NotebookRun(RunOptions options, TextWriter progress) : this(RunSettings.From(options), progress)
    {
    }

    public (NotebookReport Report, NotebookDocument Executed) Execute(string notebookPath)
    {
        var notebook = NotebookDocument.Load(notebookPath);
        if (settings.AnswersDirectory is { } answers) AnswerSubstitution.Apply(notebook, answers);
        var report = Execute(notebook, Path.GetFileName(notebookPath), Path.GetFullPath(notebookPath), plan: null);
        return (report, notebook);
    }

    /// <summary>Runs <paramref name="notebook"/> (changed in place into its executed copy) as if it were the file at
    /// <paramref name="sourcePath"/>. With a <paramref name="plan"/> (grading) the exercise verdicts come from its
    /// check cells' return values; without one, from the results file the course library's checks append to.</summary>
    public NotebookReport Execute(NotebookDocument notebook, string name, string sourcePath, GradePlan? plan)
    {
        var clock = Stopwatch.StartNew();
        var report = new NotebookReport(name, sourcePath);
        var scratch = Directory.CreateTempSubdirectory("ipc-notebooks-");
        var sandbox = Sandbox.Create(settings.Limits, settings.Containment);
        var isolate = settings.Isolate && Namespaces.Available;
        var sweep = isolate ? null : new KernelObjectSweep(claimUnattributed: settings.Isolate);
        try
        {
            var resultsPath = plan is null ? Path.Combine(scratch.FullName, "exercise-results.jsonl") : "";
            var launch = new WorkerLaunch(sandbox, settings.Isolate ? OwnFiles(scratch.FullName) : null, isolate, settings.OutputLimit);
            using (var worker = WorkerProcess.Start(Path.GetDirectoryName(sourcePath)!, resultsPath, launch))
            {
                var cpu = settings.Cpu is { } limits ? new CpuBudget(limits, sandbox, worker.Id) : null;
                cpu?.LimitWorker();
                RunCells(notebook, worker, report, clock, plan, sandbox, cpu);
                worker.WaitForExit(GuardianGrace);
            }
            LeftBehind(report, sandbox, sweep);
            if (plan is null) report.Exercises = ExerciseResultsFile.Read(resultsPath);
        }
        finally
        {
            sandbox.Dispose();
            scratch.Delete(recursive: true);
        }
        report.Seconds = clock.Elapsed.TotalSeconds;
        return report;
    }

    // A graded worker writes only below its own scratch folder: TMPDIR (the course library's run directory lives
    // there), HOME, and the compile cache of child bodies — a copy of the grader's, so that a submission can
    // neither read nor poison what another one compiles, and still does not start cold.
    private static Dictionary<string, string> OwnFiles(string scratch)
    {
        var temp = Directory.CreateDirectory(Path.Combine(scratch, "tmp")).FullName;
        var cache = Directory.CreateDirectory(Path.Combine(scratch, "cache", "bodies")).FullName;
        var seed = Environment.GetEnvironmentVariable("IPC_LAB_CACHE") is { Length: > 0 } own ? own
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "ipc-lab");
        if (Directory.Exists(Path.Combine(seed, "bodies")))
            foreach (var file in Directory.EnumerateFiles(Path.Combine(seed, "bodies")))
            {
                try
                {
                    File.Copy(file, Path.Combine(cache, Path.GetFileName(file)));
                }
                catch (IOException)
                {
                    // Being written right now: the worker compiles that body itself.
                }
            }
        return new() { ["TMPDIR"] = temp, ["HOME"] = temp, ["IPC_LAB_CACHE"] = Path.GetDirectoryName(cache)! };
    }

    // Whatever the notebook's processes left: processes still running once the guardian had its time (daemons,
    // setsid, double forks) are killed, kernel objects made without the library are removed. Both are noted.
    private static void LeftBehind(NotebookReport report, Sandbox sandbox, KernelObjectSweep? sweep)
    {
        sandbox.AwaitGuardians(GuardianGrace);
        if (sandbox.CountAlive() > 0)
        {
            var killed = sandbox.KillAll();
            if (killed > 0) report.Notes.Add($"{killed} process{(killed == 1 ? " was" : "es were")} still running after the notebook ended and {(killed == 1 ? "was" : "were")} killed ({sandbox.Kind}).");
        }
        report.PeakMemoryBytes = sandbox.PeakMemoryBytes;
        if (sandbox.Breach is { } breach && !report.Notes.Any(n => n.Contains("limit", StringComparison.Ordinal))) report.Notes.Add($"The notebook {breach}.");
        if (sweep?.Sweep(sandbox.SeenPids) is { Count: > 0 } removed)
            report.Notes.Add($"Kernel objects left behind were removed: {string.Join(", ", removed)}.");
    }

    private void RunCells(NotebookDocument notebook, WorkerProcess worker, NotebookReport report, Stopwatch sinceStart, GradePlan? plan, Sandbox sandbox, CpuBudget? cpu)
    {
        var cells = notebook.Cells;
        // A worker gets as long to start as a cell gets to run: on a loaded machine its warm-up takes minutes.
        var startup = settings.CellTimeout > StartupTimeout ? settings.CellTimeout : StartupTimeout;
        var ready = worker.Next(startup, out var startTimedOut);
        string? stopped = ready is WorkerReady ? null
            : $"the worker process did not start ({(startTimedOut ? "no answer in " + startup.TotalSeconds + " s" : worker.Ended())}): {worker.StderrTail}";
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

            var left = settings.NotebookTimeout is { } total ? total - sinceStart.Elapsed : TimeSpan.MaxValue;
            if (left <= TimeSpan.Zero)
            {
                stopped = $"{report.Name} used up its time ({Seconds(settings.NotebookTimeout!.Value.TotalSeconds)} per notebook); the remaining cells were not run.";
                report.Failures.Add(new CellFailure(number, firstLine, stopped));
                report.CellsNotRun++;
                continue;
            }
            var timeout = left < settings.CellTimeout ? left : settings.CellTimeout;
            executionCount++;
            cell["execution_count"] = executionCount;
            var clock = Stopwatch.StartNew();
            var check = plan?.Checks.TryGetValue(i, out var exercise) == true ? new CheckCall(exercise!, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))) : null;
            cpu?.BeginCell();
            worker.Send(new ExecuteCell(number, source, executionCount, check));
            var done = AwaitDone(worker, timeout, cpu, out var timedOut, out var cpuUsedUp);
            if (check is not null) report.Verdicts[check.Exercise] = VerdictChannel.Accept(check, done);
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
                failure = timedOut ? StopStuckCell(worker, report.Name, number, firstLine, outputs, cpuUsedUp ?? $"did not finish within {Seconds(timeout.TotalSeconds)}")
                    : Crashed(worker, report.Name, number, firstLine, outputs, cpu);
                // The processes the cell started die with it, however they were started (a cgroup or the
                // process tree; see Containment/) — once the library's guardian has removed the run's objects.
                sandbox.AwaitGuardians(GuardianGrace);
                var killed = sandbox.KillAll();
                if (sandbox.Breach is { } breach) failure = $"{report.Name}, cell {number}: the notebook {breach}. " + failure;
                else if (killed > 0) failure += $" {killed} more process{(killed == 1 ? "" : "es")} it had started {(killed == 1 ? "was" : "were")} killed with it.";
                stopped = failure;
            }

            if (settings.Limits.MemoryBytes is { } memory && outputs.Any(o => (string?)o?["ename"] == typeof(OutOfMemoryException).FullName) &&
                !report.Notes.Any(n => n.Contains("memory limit", StringComparison.Ordinal)))
                report.Notes.Add($"The notebook exceeded its memory limit of {memory / (1024 * 1024)} MiB (cell {number} ran out of memory: OutOfMemoryException).");
            if (failure is null) report.CellsOk++;
            else
            {
                report.CellsFailed++;
                report.Failures.Add(new CellFailure(number, firstLine, failure));
            }
            Progress(report.Name, number, cells.Count, failure is null ? "✓" : "✗", clock.Elapsed.TotalSeconds, firstLine, null);
        }

        report.StoppedBy = stopped;
        if (stopped is null)
        {
            worker.Send(new ExitWorker());
            if (!worker.WaitForExit(TimeSpan.FromSeconds(10))) worker.Kill();
        }
    }

    // The cell's CellDone; null when the worker ended, or (timedOut) when the cell ran out of wall time or, with
    // cpuUsedUp saying which, of CPU time. CPU time is read between waits of at most CpuPoll.
    private static CellDone? AwaitDone(WorkerProcess worker, TimeSpan timeout, CpuBudget? cpu, out bool timedOut, out string? cpuUsedUp)
    {
        var deadline = Stopwatch.StartNew();
        cpuUsedUp = null;
        while (true)
        {
            var remaining = timeout - deadline.Elapsed;
            var wait = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            var message = worker.Next(cpu is null || wait < CpuPoll ? wait : CpuPoll, out timedOut);
            if (message is CellDone done) return done;
            if (message is null && !timedOut) return null;
            if (timedOut && (cpuUsedUp = cpu?.Exceeded()) is not null) return null;
            if (timedOut && deadline.Elapsed >= timeout) return null;
            timedOut = false;
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

    private static string StopStuckCell(WorkerProcess worker, string notebook, int cell, string firstLine, JsonArray outputs, string why)
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
        var message2 = $"{notebook}, cell {cell} ({firstLine}) {why} and its worker process was killed. {doing} The remaining cells of this notebook were not run.";
        outputs.Add(Outputs.Error("CellTimeoutError", message2, [message2]));
        return message2;
    }

    private static string Crashed(WorkerProcess worker, string notebook, int cell, string firstLine, JsonArray outputs, CpuBudget? cpu)
    {
        var ended = worker.Ended();
        if (cpu?.ExplainDeath(worker.ExitCode) is { } why) ended += ": " + why;
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
