using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// Kernel semantics: state carried from cell to cell, failures recorded where they happened, later cells still run.
public sealed class ExecutionTests
{
    [Fact]
    public void A_passing_notebook_exits_zero_and_stores_outputs_like_jupyter()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Markdown("# Passing")
            .Code("var x = 41;\nConsole.WriteLine(\"hello\");")
            .Code("x + 1")
            .SaveIn(temp.Path, "passing.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.Equal(0, run.ExitCode);
        var print = run.Cell("passing.ipynb", 2);
        Assert.Equal(1, (int?)print["execution_count"]);
        var stream = Single(print, "stream");
        Assert.Equal("stdout", (string?)stream["name"]);
        Assert.Equal("hello\n", Text(stream["text"]));
        var result = Single(run.Cell("passing.ipynb", 3), "execute_result");
        Assert.Equal("42", Text(result["data"]!["text/plain"]));
        Assert.Equal(2, (int?)result["execution_count"]);

        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(NotebookFile.Metadata(), run.Executed("passing.ipynb")["metadata"]));
        var cells = run.NotebookResults("passing.ipynb")["cells"]!;
        Assert.Equal(2, (int?)cells["ok"]);
        Assert.Equal(0, (int?)cells["failed"]);
        Assert.Contains("passing.ipynb [2/3] ✓", run.Process.Stderr);
        Assert.Contains("var x = 41;", run.Process.Stderr);
    }

    [Fact]
    public void A_throwing_cell_fails_the_run_but_later_cells_run_with_earlier_variables()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("int y = 5;")
            .Code("void Boom() => throw new InvalidOperationException(\"boom\");\nBoom();")
            .Code("Console.WriteLine(y * 2);")
            .SaveIn(temp.Path, "failing.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.NotEqual(0, run.ExitCode);
        var error = Single(run.Cell("failing.ipynb", 2), "error");
        Assert.Equal("System.InvalidOperationException", (string?)error["ename"]);
        Assert.Equal("boom", (string?)error["evalue"]);
        var traceback = string.Join("\n", error["traceback"]!.AsArray().Select(l => (string?)l));
        Assert.Contains("Boom() in cell 2, line 1", traceback);
        Assert.Contains("cell 2, line 2", traceback);
        Assert.Equal("10\n", Text(Single(run.Cell("failing.ipynb", 3), "stream")["text"]));
        var results = run.NotebookResults("failing.ipynb");
        Assert.Equal(1, (int?)results["cells"]!["failed"]);
        Assert.Equal(2, (int?)results["cells"]!["ok"]);
        Assert.False((bool?)results["passed"]);
    }

    [Fact]
    public void A_compile_error_names_the_cell_and_line_and_keeps_the_previous_state()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("var a = 1;")
            .Code("var b = 2;\nint c = undefinedName;")
            .Code("a + 1")
            .SaveIn(temp.Path, "compile.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.NotEqual(0, run.ExitCode);
        var error = Single(run.Cell("compile.ipynb", 2), "error");
        Assert.Contains("cell 2, line 2: CS0103", (string?)error["evalue"]);
        Assert.Contains("undefinedName", (string?)error["evalue"]);
        Assert.Equal("2", Text(Single(run.Cell("compile.ipynb", 3), "execute_result")["data"]!["text/plain"]));
        Assert.Contains("cell 2", run.Process.Stdout);
    }

    [Fact]
    public void Raises_exception_accepts_a_throw_and_fails_a_cell_that_does_not_throw()
    {
        using var temp = new TempFolder();
        var folder = temp.Sub("notebooks");
        new NotebookFile()
            .Code("throw new ArgumentException(\"on purpose\");", "raises-exception")
            .Code("Console.WriteLine(\"still running\");")
            .SaveIn(folder, "1-throws.ipynb");
        new NotebookFile()
            .Code("var quiet = 1;", "raises-exception")
            .SaveIn(folder, "2-quiet.ipynb");

        var run = Start(temp.Sub("out"), folder);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Equal("System.ArgumentException", (string?)Single(run.Cell("1-throws.ipynb", 1), "error")["ename"]);
        Assert.True((bool?)run.NotebookResults("1-throws.ipynb")["passed"]);
        Assert.Equal(2, (int?)run.NotebookResults("1-throws.ipynb")["cells"]!["ok"]);

        var quiet = run.NotebookResults("2-quiet.ipynb");
        Assert.False((bool?)quiet["passed"]);
        Assert.Contains("expected an exception", (string?)Assert.Single(quiet["failures"]!.AsArray())!["message"]);
        Assert.Equal("ExpectedExceptionNotRaised", (string?)Single(run.Cell("2-quiet.ipynb", 1), "error")["ename"]);
    }

    [Fact]
    public void Skip_execution_cells_are_not_run()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("while (true) { }", "skip-execution")
            .Code("1 + 1")
            .SaveIn(temp.Path, "skip.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.Equal(0, run.ExitCode);
        var skipped = run.Cell("skip.ipynb", 1);
        Assert.Empty(Outputs(skipped));
        Assert.Null(skipped["execution_count"]);
        Assert.Equal(1, (int?)run.NotebookResults("skip.ipynb")["cells"]!["skipped"]);
        Assert.Equal("2", Text(Single(run.Cell("skip.ipynb", 2), "execute_result")["data"]!["text/plain"]));
    }
}
