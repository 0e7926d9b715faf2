using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 01-pipes must show beyond running: the lecture's pipe.c output, line for line.</summary>
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
}
