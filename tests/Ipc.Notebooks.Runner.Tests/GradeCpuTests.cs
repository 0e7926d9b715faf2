using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>CPU time limits, per cell and per notebook, with wall-clock timeouts far beyond them: an endless loop in
/// the cell, and one in a child process while the cell only waits, are stopped by what they used of the CPU and the
/// grade names the limit; an answer within it is graded as usual. Two graders run side by side, one per limit.</summary>
public sealed class GradeCpuTests(GradeCpuTests.CpuRuns runs) : IClassFixture<GradeCpuTests.CpuRuns>
{
    /// <summary>The per-cell CPU limit of these runs (seconds): well above what a cell of the course uses.</summary>
    public const string CellCpu = "8";

    private static readonly string Reference = HostileAnswers.Reference;

    /// <summary>A cell that starts a shell spinning on the CPU (its command line ends in <paramref name="marker"/>)
    /// and waits for it: the worker itself uses no CPU.</summary>
    public static string Spinner(string marker) =>
        $"var spinner = System.Diagnostics.Process.Start(\"sh\", \"-c \\\"while :; do :; done\\\" {marker}\")!;\nspinner.WaitForExit();\n";

    public sealed class CpuRuns : IDisposable
    {
        private readonly TempFolder _temp = new();

        public CpuRuns()
        {
            var course = Submissions.SmallCourse(_temp.Path);
            var shipped = NotebookDocument.Load(Path.Combine(course, "01-pipes.ipynb"));
            string Write(string folder, string name, string answer) =>
                Submissions.Write(Submissions.With(shipped, id => id == "pipes.capacity" ? answer : null), _temp.Sub(folder), name + ".ipynb");
            string[] cell = [Write("cell", "loop", "while (true) { }\n" + Reference), Write("cell", "spinner", Spinner("spin3021") + Reference), Write("cell", "reference", Reference)];
            string[] notebook = [Write("notebook", "loop", "while (true) { }\n" + Reference)];
            var cellOut = _temp.Sub("out-cell");
            var notebookOut = _temp.Sub("out-notebook");
            var perCell = Task.Run(() => GradeRun.Start(cellOut, TimeSpan.FromMinutes(15),
                [.. cell, "--course", course, "--jobs", "2", "--cell-timeout", "600", "--cell-cpu", CellCpu]));
            var perNotebook = Task.Run(() => GradeRun.Start(notebookOut, TimeSpan.FromMinutes(15),
                [.. notebook, "--course", course, "--cell-timeout", "600", "--cell-cpu", "600", "--notebook-cpu", "20"]));
            PerCell = perCell.GetAwaiter().GetResult();
            PerNotebook = perNotebook.GetAwaiter().GetResult();
        }

        internal GradeRun PerCell { get; }
        internal GradeRun PerNotebook { get; }

        public void Dispose() => _temp.Dispose();
    }

    private static JsonObject Capacity(GradeRun run, string student) => GradeRun.Exercise(run.Submission(student + ".ipynb"), "pipes.capacity");

    private static void AssertStopped(GradeRun run, string student, string limit)
    {
        var grade = Capacity(run, student);
        Assert.True((string?)grade["status"] == "error" && (double)grade["earned"]! == 0 && ((string?)grade["message"] ?? "").Contains(limit, StringComparison.Ordinal),
            $"{student}: expected an error naming '{limit}', got {grade.ToJsonString()}\n{run.Log}");
    }

    [Fact]
    public void An_endless_loop_is_stopped_at_the_cells_CPU_time_limit()
    {
        AssertStopped(runs.PerCell, "loop", $"CPU time limit of {CellCpu} s per cell");
        Assert.DoesNotContain("did not finish within", (string?)Capacity(runs.PerCell, "loop")["message"] ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void A_child_spinning_while_the_cell_waits_is_counted_and_killed()
    {
        AssertStopped(runs.PerCell, "spinner", $"CPU time limit of {CellCpu} s per cell");
        Assert.Empty(Submissions.LiveProcesses("spin3021"));
    }

    [Fact]
    public void An_answer_within_the_CPU_time_limit_is_graded_as_usual() =>
        Assert.True((string?)Capacity(runs.PerCell, "reference")["status"] == "passed", $"{Capacity(runs.PerCell, "reference").ToJsonString()}\n{runs.PerCell.Log}");

    [Fact]
    public void An_endless_loop_is_stopped_at_the_notebooks_CPU_time_limit() =>
        AssertStopped(runs.PerNotebook, "loop", "the notebook's CPU time limit of 20 s");

    [Fact]
    public void Grading_itself_succeeds()
    {
        Assert.True(runs.PerCell.Process.ExitCode == 0, runs.PerCell.Log);
        Assert.True(runs.PerNotebook.Process.ExitCode == 0, runs.PerNotebook.Log);
    }
}
