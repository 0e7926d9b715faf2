using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>Hostile submissions, graded in one run (two at a time, as `--jobs 2` would in a class) against a course
/// of one exercise (pipes.capacity, cells copied from 01-pipes): each is contained, gets a grade that says what
/// happened, cannot raise its own grade, and leaves no process or kernel object behind.</summary>
public sealed class GradeTests(GradeTests.HostileRun run) : IClassFixture<GradeTests.HostileRun>
{
    private static readonly string Reference = HostileAnswers.Reference;
    private const string Stub = HostileAnswers.Stub;

    // Answers for pipes.capacity. Markers in the command lines (sleep 3001 …) let the tests find survivors.
    private static readonly Dictionary<string, string> Answers = new()
    {
        ["storm"] = HostileAnswers.Storm(3001),
        ["daemons"] = HostileAnswers.Daemons(3002, 3003) +
                      "System.Diagnostics.Process.Start(\"sh\", \"-c \\\"setsid sh -c 'sleep 3004 & exit 0' & exit 0\\\"\")!.WaitForExit();\n" + Reference,
        ["hog"] = HostileAnswers.Hog,
        ["flood"] = "for (var i = 0; i < 400; i++) Console.WriteLine(new string('x', 10_000));\n" + Reference,
        ["exit"] = "Environment.Exit(3);\n" + Reference,
        ["loop"] = "while (true) { }\n" + Reference,
        ["forged"] = """
            var forged = "{\"event\":\"done\",\"cell\":3,\"outcome\":\"ok\",\"outputs\":[],\"verdict\":{\"exercise\":\"pipes.capacity\",\"points\":2,\"earned\":2,\"status\":\"passed\",\"message\":\"forged\",\"hint\":null,\"nonce\":\"00\"}}\n";
            foreach (var fd in System.IO.Directory.GetFiles("/proc/self/fd"))
                try { System.IO.File.AppendAllText(fd, forged); } catch (Exception) { }
            Console.WriteLine(forged);
            Console.WriteLine("✅ pipes.capacity: 2/2 points — Passed.");
            var results = Environment.GetEnvironmentVariable("IPC_LAB_RESULTS") ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "results.jsonl");
            System.IO.File.AppendAllText(results, "{\"exercise\":\"pipes.capacity\",\"points\":2,\"earned\":2,\"status\":\"passed\"}\n");
            Environment.SetEnvironmentVariable("IPC_LAB_RESULTS", results);
            """ + "\n" + Stub,
        ["shadowed"] = "static class PipesChecks { public static string Capacity(Func<Pipe, int> measure) => \"✅ pipes.capacity: 2/2 points\"; }\n" + Stub,
        ["sysv"] = "System.Diagnostics.Process.Start(\"ipcmk\", \"-M 40961\")!.WaitForExit();\n" + Reference,
        ["reference"] = Reference,
    };

    public sealed class HostileRun : IDisposable
    {
        private readonly TempFolder _temp = new();

        public HostileRun()
        {
            var course = Submissions.SmallCourse(_temp.Path);
            var shipped = NotebookDocument.Load(Path.Combine(course, "01-pipes.ipynb"));
            var dir = _temp.Sub("submissions");
            var paths = Answers.Select(a => Submissions.Write(Submissions.With(shipped, id => id == "pipes.capacity" ? a.Value : null), dir, a.Key + ".ipynb")).ToList();
            // The student who edited the check cell instead of solving: the check cell now claims a pass.
            var edited = shipped.Clone();
            NotebookDocument.SetSource(edited.Cells[2], "\"✅ pipes.capacity: 2/2 points — Passed.\"");
            paths.Add(Submissions.Write(edited, dir, "edited.ipynb"));
            Run = GradeRun.Start(_temp.Sub("out"), TimeSpan.FromMinutes(25),
                [.. paths, "--course", course, "--jobs", "2", "--cell-timeout", "45", "--output-limit", "100000", "--memory", "600"]);
        }

        internal GradeRun Run { get; }

        public void Dispose() => _temp.Dispose();
    }

    private JsonObject Capacity(string student) => GradeRun.Exercise(run.Run.Submission(student + ".ipynb"), "pipes.capacity");

    private void AssertGraded(string student, string status, string? says = null)
    {
        var grade = Capacity(student);
        Assert.True((string?)grade["status"] == status, $"{student}: expected {status}, got {grade.ToJsonString()}\n{run.Run.Log}");
        Assert.Equal(status == "passed" ? 2 : 0, (double)grade["earned"]!);
        Assert.Equal(2, (double)grade["possible"]!);
        if (says is not null) Assert.Contains(says, (string?)grade["message"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Grading_itself_succeeds_whatever_the_submissions_did() =>
        Assert.True(run.Run.Process.ExitCode == 0, $"exit code {run.Run.Process.ExitCode}\n{run.Run.Log}");

    [Fact]
    public void The_reference_answer_gets_full_points() => AssertGraded("reference", "passed");

    [Fact]
    public void A_process_storm_is_capped_and_killed_and_the_answer_still_graded()
    {
        AssertGraded("storm", "passed");
        Assert.Empty(Submissions.LiveProcesses("sleep 3001"));
    }

    [Fact]
    public void Setsid_and_double_forked_daemons_do_not_outlive_the_notebook()
    {
        AssertGraded("daemons", "passed");
        foreach (var marker in new[] { "sleep 3002", "sleep 3003", "sleep 3004" }) Assert.Empty(Submissions.LiveProcesses(marker));
    }

    [Fact]
    public void A_memory_hog_is_stopped_at_the_limit_and_the_grade_says_so()
    {
        // Whether .NET throws OutOfMemoryException at its cgroup-sized heap, the kernel's OOM killer ends the worker,
        // or the cell times out thrashing at the limit depends on the machine's load; the grade says which limit.
        var grade = Capacity("hog");
        Assert.True((double)grade["earned"]! == 0 && ((string?)grade["message"] ?? "").Contains("exceeded its memory limit of 600 MiB", StringComparison.Ordinal),
            $"{grade.ToJsonString()}\n{run.Run.Log}");
    }

    [Fact]
    public void An_output_flood_is_truncated_with_a_note_and_the_answer_graded()
    {
        AssertGraded("flood", "passed");
        Assert.Contains("output truncated", run.Run.Feedback("flood"), StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_Exit_ends_only_that_notebook_and_the_grade_says_why() =>
        AssertGraded("exit", "error", "the check did not run");

    [Fact]
    public void An_endless_loop_is_stopped_by_the_cell_timeout() =>
        AssertGraded("loop", "error", "did not finish within");

    [Fact]
    public void Forged_results_printed_or_written_anywhere_earn_nothing()
    {
        var grade = Capacity("forged");
        Assert.True((double)grade["earned"]! == 0 && (string?)grade["status"] != "passed", $"a forged result was believed: {grade.ToJsonString()}\n{run.Run.Log}");
    }

    [Fact]
    public void A_check_shadowed_by_a_class_of_the_same_name_earns_nothing() =>
        AssertGraded("shadowed", "error", "declared in the notebook");

    [Fact]
    public void An_edited_check_cell_is_flagged_and_the_course_check_runs_instead() =>
        AssertGraded("edited", "not-solved", "check cell was changed");

    [Fact]
    public void A_System_V_segment_made_without_the_library_does_not_outlive_the_submission()
    {
        AssertGraded("sysv", "passed");
        var segments = File.ReadAllLines("/proc/sysvipc/shm").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f[3] == "40961");
        Assert.Empty(segments);
    }

    [Fact]
    public void Every_submission_gets_a_feedback_page_and_a_csv_row()
    {
        var csv = File.ReadAllLines(Path.Combine(run.Run.OutDirectory, "grades.csv"));
        Assert.Equal("student,submission,earned,possible,pipes.capacity", csv[0]);
        Assert.Equal(Answers.Count + 1, csv.Length - 1);
        foreach (var student in Answers.Keys.Append("edited"))
        {
            Assert.Contains(csv, line => line.StartsWith(student + ",", StringComparison.Ordinal));
            Assert.Contains("pipes.capacity", run.Run.Feedback(student), StringComparison.Ordinal);
        }
    }
}
