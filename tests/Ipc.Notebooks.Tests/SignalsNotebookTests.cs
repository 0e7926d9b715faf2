using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 03-signals must show beyond running: the lecture's signal.c output, line for line.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SignalsNotebookTests
{
    private const string Notebook = "03-signals.ipynb";

    [Fact]
    public void The_signal_c_cell_prints_the_lecture_s_four_lines_in_order()
    {
        string[] lecture =
        [
            "int_handler set for SIGINT",
            "go to sleep.",
            "SIGINT signal handler.",
            "exit.",
        ];
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains(lecture[0], StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed \"{lecture[0]}\".\n{run.Log}");
        // The handler's first printf starts with "\n", as in the lecture: empty lines are not part of the comparison.
        var lines = cell!.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.Equal(lecture, lines);
    }
}
