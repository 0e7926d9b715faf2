using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Containment;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Orchestration;

namespace Ipc.Notebooks.Runner.Grading;

// `grade`: each submission's answers are put into the course's own notebooks and run in a contained worker; the
// check cells' verdicts come back on the grader's channel (see VerdictChannel, CheckCellGuard). Exit code 0 when
// every submission got a grade — whatever the grade; 1 when grading itself failed.
internal static class GradeCommand
{
    public static int Execute(GradeOptions options)
    {
        IReadOnlyList<CourseNotebook> course;
        IReadOnlyList<HiddenCheck> hidden;
        try
        {
            course = CourseNotebook.LoadAll(options.CourseDirectory);
            hidden = HiddenCheck.Load(options.HiddenDirectory, course);
            Directory.CreateDirectory(Path.Combine(options.OutDirectory, "feedback"));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"ipc-notebooks grade: {e.Message}");
            return 1;
        }

        var submissions = Submission.Find(options.Submissions);
        var settings = new RunSettings(options.CellTimeout, options.NotebookTimeout, new CpuLimits(options.CellCpu, options.NotebookCpu), new Limits(options.MemoryBytes, options.Processes),
            options.Containment, options.OutputLimit, Isolate: true, AnswersDirectory: null);
        var clock = Stopwatch.StartNew();
        var grades = new SubmissionGrade?[submissions.Count];
        var done = 0;
        var failed = false;
        var progress = new object();
        void Say(string line)
        {
            lock (progress)
            {
                Console.Error.WriteLine($"{Clock(clock.Elapsed)} {line}");
                Console.Error.Flush();
            }
        }
        Say($"grading {submissions.Count} submission{(submissions.Count == 1 ? "" : "s")} against {options.CourseDirectory} with --jobs {options.Jobs}, " +
            $"{Sandbox.Describe(options.Containment)}{(Namespaces.Available ? ", own IPC and mount namespaces" : "")}");
        // Without namespaces (not root), System V objects are swept per submission; what no submission could be
        // told to own is removed once all have ended.
        var objectsBefore = Namespaces.Available ? null : KernelObjectSweep.Baseline();
        var queue = new ConcurrentQueue<int>(Enumerable.Range(0, submissions.Count));
        var workers = Enumerable.Range(0, Math.Min(options.Jobs, Math.Max(1, submissions.Count))).Select(_ => new Thread(() =>
        {
            while (queue.TryDequeue(out var index))
            {
                var submission = submissions[index];
                Say($"[{Volatile.Read(ref done)}/{submissions.Count}] grading {submission.Student} ({submission.Path})");
                try
                {
                    grades[index] = Grade(submission, course, hidden, settings, options.OutDirectory);
                    var g = grades[index]!;
                    Say($"[{Interlocked.Increment(ref done)}/{submissions.Count}] {g.Student}: {g.Earned:0.##}/{g.Possible:0.##} points in {g.Seconds:0.0} s, {g.PeakMemoryBytes / (1024 * 1024)} MiB of memory at the most");
                }
                catch (Exception e)
                {
                    // A fault of the grader, not of the student: say so and fail the run, but grade the others.
                    failed = true;
                    Interlocked.Increment(ref done);
                    Say($"grading {submission.Student} failed in the grader itself: {e}");
                }
            }
        }) { Name = "grader" }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (objectsBefore is not null && KernelObjectSweep.RemoveOrphans(objectsBefore) is { Count: > 0 } orphans)
            Say($"kernel objects left by submissions whose processes had all exited were removed: {string.Join(", ", orphans)}");

        var graded = grades.OfType<SubmissionGrade>().ToList();
        Gradebook.WriteJson(Path.Combine(options.OutDirectory, "grades.json"), graded);
        Gradebook.WriteCsv(Path.Combine(options.OutDirectory, "grades.csv"), graded);
        if (options.Classroom)
        {
            var result = Gradebook.Classroom(graded);
            File.WriteAllText(Path.Combine(options.OutDirectory, "classroom.json"), Gradebook.ToJson(result) + "\n");
            Console.Out.WriteLine(Gradebook.ToJson(result));
        }
        else
        {
            foreach (var g in graded) Console.Out.WriteLine($"{g.Student}\t{g.Earned:0.##}/{g.Possible:0.##}");
        }
        var minutes = clock.Elapsed.TotalMinutes;
        Say($"graded {graded.Count} of {submissions.Count} in {clock.Elapsed.TotalSeconds:0.0} s " +
            $"({(minutes > 0 ? graded.Count / minutes : 0):0.0} submissions per minute); grades in {options.OutDirectory}");
        return failed || graded.Count != submissions.Count ? 1 : 0;
    }

    private static SubmissionGrade Grade(Submission submission, IReadOnlyList<CourseNotebook> course, IReadOnlyList<HiddenCheck> hidden, RunSettings settings, string outDirectory)
    {
        var clock = Stopwatch.StartNew();
        var lines = new List<ExerciseGrade>();
        var pages = new List<(string Title, NotebookDocument Executed)>();
        if (submission.Problem is { } problem) lines.Add(new ExerciseGrade(Path.GetFileName(submission.Path), 0, 0, "error", problem));
        var seen = new Dictionary<string, string>();
        long peak = 0;
        foreach (var file in submission.Notebooks)
        {
            var inspection = Inspection.Of(file, course);
            if (inspection.Problem is { } unusable || inspection.Course is null)
            {
                lines.Add(new ExerciseGrade(Path.GetFileName(file), 0, 0, "error", inspection.Problem ?? "not gradable"));
                continue;
            }
            if (seen.TryGetValue(inspection.Course.Name, out var first))
            {
                lines.Add(new ExerciseGrade(Path.GetFileName(file), 0, 0, "error",
                    $"{Path.GetFileName(file)} is a second copy of the course's {inspection.Course.Name} (the first, {first}, was graded)"));
                continue;
            }
            seen[inspection.Course.Name] = Path.GetFileName(file);
            var (graded, executed, memory) = GradeNotebook(inspection, hidden, settings);
            peak = Math.Max(peak, memory);
            lines.AddRange(graded);
            pages.Add((Path.GetFileName(file), executed));
        }
        var grade = new SubmissionGrade(submission.Student, submission.Path, lines, clock.Elapsed.TotalSeconds, peak);
        Feedback.Write(grade, pages, Path.Combine(outDirectory, "feedback", submission.Student + ".html"));
        return grade;
    }

    private static (List<ExerciseGrade>, NotebookDocument, long) GradeNotebook(Inspection inspection, IReadOnlyList<HiddenCheck> hidden, RunSettings settings)
    {
        var course = inspection.Course!;
        var notebook = course.Document.Clone();
        // Only the answers come from the student; every other cell is the course's own.
        AnswerSubstitution.Apply(notebook, id => inspection.Answers.GetValueOrDefault(id));
        var cells = (JsonArray)notebook.Root["cells"]!;
        var checks = new Dictionary<JsonObject, string>();
        foreach (var exercise in course.Exercises.Reverse())
        {
            checks[(JsonObject)cells[exercise.CheckCell]!] = exercise.Id;
            foreach (var check in hidden.Where(h => h.Exercise == exercise.Id).Reverse())
            {
                var cell = new JsonObject
                {
                    ["cell_type"] = "code",
                    ["metadata"] = new JsonObject { ["ipc_notebooks"] = new JsonObject { ["hidden_check"] = check.Id } },
                    ["outputs"] = new JsonArray(),
                    ["execution_count"] = null,
                    ["source"] = new JsonArray(),
                };
                NotebookDocument.SetSource(cell, check.Source);
                cells.Insert(exercise.CheckCell + 1, cell);
                checks[cell] = check.Id;
            }
        }
        var plan = new GradePlan(cells.Select((c, i) => (Cell: c as JsonObject, Index: i))
            .Where(x => x.Cell is not null && checks.ContainsKey(x.Cell))
            .ToDictionary(x => x.Index, x => checks[x.Cell!]));

        var report = new NotebookRun(settings, TextWriter.Null).Execute(notebook, course.Name, course.Path, plan);

        var first = report.Failures.FirstOrDefault();
        var why = first?.Message;
        // A set-up cell is the course's own: when it fails, the grader's environment is at fault (the library not
        // built, a kernel object limit reached), and every line says so.
        if (first is { Cell: > 0 } && first.Cell <= cells.Count && cells[first.Cell - 1] is JsonObject failed &&
            course.SetUpCells.Contains(CourseNotebook.Normalize(NotebookDocument.Source(failed))))
            why = $"the course's set-up cell {first.Cell} failed, so no check could run: {first.Message}";
        var lines = new List<ExerciseGrade>();
        foreach (var exercise in course.Exercises)
        {
            var flags = inspection.Flags.GetValueOrDefault(exercise.Id) ?? [];
            var flagText = string.Concat(flags.Concat(inspection.NotebookFlags).Select(f => $" [flagged: {f}; the grader ran the course's cells]"));
            if (inspection.Refused.TryGetValue(exercise.Id, out var refused))
                lines.Add(new ExerciseGrade(exercise.Id, 0, exercise.Points, "error", refused + flagText));
            else
                lines.Add(Line(exercise.Id, exercise.Points, report, why, flagText));
            foreach (var check in hidden.Where(h => h.Exercise == exercise.Id))
                lines.Add(Line(check.Id, check.Points, report, why, " (hidden check)"));
        }
        return (lines, notebook, report.PeakMemoryBytes);
    }

    private static ExerciseGrade Line(string id, int points, Reporting.NotebookReport report, string? why, string suffix)
    {
        // A limit the notebook ran into is said on every line: it may be why a check failed or never ran.
        var limit = report.Notes.FirstOrDefault(n => n.Contains("limit", StringComparison.Ordinal));
        var limitText = limit is null ? "" : " " + limit;
        if (!report.Verdicts.TryGetValue(id, out var verdict))
            return new ExerciseGrade(id, 0, points, "error", $"the check did not run: {report.StoppedBy ?? why ?? "the notebook stopped before it"}{limitText}{suffix}");
        var message = verdict.Message + (verdict.Hint is { Length: > 0 } hint ? " Hint: " + hint : "");
        if (verdict.Status == "error" && why is not null && !message.Contains(why, StringComparison.Ordinal)) message += $" ({why})";
        var passed = verdict.Status == "passed" && verdict.Earned == verdict.Points;
        return new ExerciseGrade(id, passed ? points : 0, points, verdict.Status, message + limitText + suffix);
    }

    private static string Clock(TimeSpan elapsed) => elapsed.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);
}
