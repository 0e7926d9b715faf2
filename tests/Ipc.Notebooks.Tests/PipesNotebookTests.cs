using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 01-pipes must show beyond running: the lecture's pipe.c output, line for line, in C# and in C (or that
/// gcc is missing), and the descriptor tables read from /proc after the spawn and after the closes.</summary>
[Collection(NotebookCollection.Name)]
public sealed class PipesNotebookTests
{
    private const string Notebook = "01-pipes.ipynb";

    [Fact]
    public void The_pipe_c_cell_prints_the_lecture_s_four_lines_in_order()
    {
        string[] lecture =
        [
            "Child: writing to the pipe",
            "Child: exiting",
            "Parent: reading from pipe",
            "Parent: read \"Hello\"",
        ];
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains(lecture[0], StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed \"{lecture[0]}\".\n{run.Log}");
        var lines = cell!.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.Equal(lecture, lines);
    }

    private const string NoGcc = "gcc is not installed here";

    [Fact]
    public void The_C_pipe_c_prints_the_lecture_s_four_lines_or_says_that_gcc_is_missing()
    {
        string[] lecture = ["Child: writing to the pipe", "Child: exiting", "Parent: reading from pipe", "Parent: read \"Hello\""];
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("── c/pipe.c ──", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} showed c/pipe.c.\n{run.Log}");
        if (cell!.Contains(NoGcc, StringComparison.Ordinal)) return;
        // After the listing (numbered lines), what the program printed.
        var printed = cell.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && !System.Text.RegularExpressions.Regex.IsMatch(l, @"^( *\d+  |── )")).ToArray();
        Assert.Equal(lecture, printed);
    }

    [Fact]
    public void The_descriptor_tables_show_four_descriptors_after_the_spawn_and_two_after_the_closes()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("After the spawn: four descriptors", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} drew the descriptor tables after the spawn.\n{run.Log}");
        int closes = cell!.IndexOf("After the closes", StringComparison.Ordinal);
        Assert.True(closes > 0, $"The second table (after the closes) is missing:\n{cell}");
        int Entries(string text) => text.Split('\n').Count(l => l.Contains("→ pipe:[", StringComparison.Ordinal));
        Assert.Equal(4, Entries(cell[..closes]));
        var after = cell[closes..];
        Assert.Equal(2, Entries(after));
        Assert.Contains("read end", after.Split("child (pid")[0]);
        Assert.Contains("write end", after.Split("child (pid")[1]);
    }
}
