using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

// Exercise results reported by checks through $IPC_LAB_RESULTS end up in results.json and the summary, and
// --answers swaps in solutions by exercise id.
public sealed class ExerciseTests
{
    private const string Name = "exercise.ipynb";

    // What the course library's check does, written out here: one JSON line per check appended to the file.
    private const string Report = """
        void Report(string status, int earned) =>
            System.IO.File.AppendAllText(Environment.GetEnvironmentVariable("IPC_LAB_RESULTS")!,
                $"{{\"exercise\":\"demo.sum\",\"points\":2,\"earned\":{earned},\"status\":\"{status}\",\"message\":\"Sum(2, 3) returned {Sum(2, 3)}\"}}\n");
        """;

    private static string Notebook(string directory) => new NotebookFile()
        .Markdown("## Exercise: add two numbers")
        .Code("// ✏️ Exercise demo.sum\nint Sum(int a, int b) => 0; // your code here")
        .Code(Report + "\nReport(\"not-solved\", 0);")
        .Code("Report(Sum(2, 3) == 5 ? \"passed\" : \"failed\", Sum(2, 3) == 5 ? 2 : 0);")
        .SaveIn(directory, Name);

    [Fact]
    public void Results_written_by_the_notebook_are_collected_and_the_last_report_counts()
    {
        using var temp = new TempFolder();

        var run = RunnerRun.Start(temp.Sub("out"), Notebook(temp.Path));

        Assert.Equal(0, run.ExitCode);
        var exercise = Assert.Single(run.NotebookResults(Name)["exercises"]!.AsArray())!;
        Assert.Equal("demo.sum", (string?)exercise["exercise"]);
        Assert.Equal("failed", (string?)exercise["status"]);
        Assert.Equal(0, (double?)exercise["earned"]);
        Assert.Equal(2, (double?)exercise["points"]);
        Assert.Contains("0/2", run.Process.Stdout);
    }

    [Fact]
    public void Answers_replace_the_exercise_cell_and_keep_its_marker_line()
    {
        using var temp = new TempFolder();
        var answers = temp.Sub("answers");
        File.WriteAllText(Path.Combine(answers, "demo.sum.cs"), "int Sum(int a, int b) => a + b;\n");

        var run = RunnerRun.Start(temp.Sub("out"), Notebook(temp.Path), "--answers", answers);

        Assert.Equal(0, run.ExitCode);
        var exercise = Assert.Single(run.NotebookResults(Name)["exercises"]!.AsArray())!;
        Assert.Equal("passed", (string?)exercise["status"]);
        Assert.Equal(2, (double?)exercise["earned"]);
        Assert.Equal(2, (double?)run.Results["points"]!["earned"]);
        var source = RunnerRun.Text(run.Cell(Name, 2)["source"]);
        Assert.StartsWith("// ✏️ Exercise demo.sum\n", source);
        Assert.Contains("a + b", source);
        Assert.Contains("2/2", run.Process.Stdout);
    }
}
