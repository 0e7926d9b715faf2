using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// Directives the executor cannot honour are errors that name the cell and line, never silently skipped.
public sealed class DirectiveTests
{
    [Fact]
    public void Unknown_packages_other_kernels_and_magic_commands_are_clear_errors()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("var before = 1;\n#r \"nuget: Newtonsoft.Json, 13.0.3\"")
            .Code("#!fsharp\nlet x = 1")
            .Code("#!time\nvar y = 2;")
            .Code("#!markdown\nJust *text*.")
            .Code("#!csharp\nbefore + 1")
            .SaveIn(temp.Path, "directives.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.NotEqual(0, run.ExitCode);
        var package = (string?)Single(run.Cell("directives.ipynb", 1), "error")["evalue"];
        Assert.Contains("cell 1, line 2", package);
        Assert.Contains("Newtonsoft.Json", package);
        Assert.Contains("cell 2, line 1", (string?)Single(run.Cell("directives.ipynb", 2), "error")["evalue"]);
        Assert.Contains("cell 3, line 1", (string?)Single(run.Cell("directives.ipynb", 3), "error")["evalue"]);
        Assert.Empty(Outputs(run.Cell("directives.ipynb", 4)));
        // The failed first cell never ran, so `before` does not exist: the C# cell after it fails to compile.
        Assert.Contains("CS0103", (string?)Single(run.Cell("directives.ipynb", 5), "error")["evalue"]);
        Assert.Equal(4, (int?)run.NotebookResults("directives.ipynb")["cells"]!["failed"]);
    }

    [Fact]
    public void A_missing_dll_is_an_error_that_names_the_path()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("#r \"../lab/Missing.dll\"")
            .SaveIn(temp.Sub("notebooks"), "missing.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.NotEqual(0, run.ExitCode);
        var error = (string?)Single(run.Cell("missing.ipynb", 1), "error")["evalue"];
        Assert.Contains("cell 1, line 1", error);
        Assert.Contains(Path.Combine(temp.Path, "lab", "Missing.dll"), error);
    }
}
