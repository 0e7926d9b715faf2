using System.Diagnostics;
using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// A cell that never returns, or takes its worker down, stops that notebook with a report that says where.
public sealed class TimeoutTests
{
    [Fact]
    public void A_cell_that_never_ends_is_killed_at_the_cell_timeout_and_reported()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("Console.WriteLine(\"started\");")
            .Code("var n = 0;\nConsole.WriteLine(\"looping\");\nwhile (true) { n++; }")
            .Code("Console.WriteLine(\"after\");")
            .SaveIn(temp.Path, "endless.ipynb");

        var clock = Stopwatch.StartNew();
        var run = Start(temp.Sub("out"), notebook, "--cell-timeout", "3");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("endless.ipynb, cell 2 (var n = 0;) did not finish within 3", run.Report);
        var stuck = run.Cell("endless.ipynb", 2);
        Assert.Equal("CellTimeoutError", (string?)Single(stuck, "error")["ename"]);
        Assert.Contains("looping", Text(Single(stuck, "stream")["text"]));
        var after = run.Cell("endless.ipynb", 3);
        Assert.Empty(Outputs(after));
        Assert.Null(after["execution_count"]);
        var cells = run.NotebookResults("endless.ipynb")["cells"]!;
        Assert.Equal(1, (int?)cells["failed"]);
        Assert.Equal(1, (int?)cells["notRun"]);
    }

    [Fact]
    public void A_stuck_cell_report_says_what_the_course_library_was_waiting_for()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code($"#r \"{Path.GetRelativePath(temp.Path, LabDll)}\"")
            .Code("var waiting = Ipc.Lab.Diagnostics.Activity.Begin(\"waiting for the test's endless loop\");\nwhile (true) { }")
            .SaveIn(temp.Path, "lab.ipynb");

        var run = Start(temp.Sub("out"), notebook, "--cell-timeout", "3");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("lab.ipynb, cell 2 (var waiting = Ipc.Lab", run.Report);
        Assert.Contains("Ipc.Lab reports: waiting for the test's endless loop", run.Report);
    }

    [Fact]
    public void A_cell_that_ends_the_worker_process_is_reported_as_a_crash()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("Environment.Exit(3);")
            .Code("1")
            .SaveIn(temp.Path, "exit.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.NotEqual(0, run.ExitCode);
        var error = Single(run.Cell("exit.ipynb", 1), "error");
        Assert.Contains("exit.ipynb, cell 1 (Environment.Exit(3);): the worker process ended (exit code 3)", (string?)error["evalue"]);
        Assert.Equal(1, (int?)run.NotebookResults("exit.ipynb")["cells"]!["notRun"]);
    }
}
