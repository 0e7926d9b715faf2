using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 02-shared-memory must show beyond running: the lecture's shared_memory.c output, line for
/// line, and no kernel object of the notebook left once it has run.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SharedMemoryNotebookTests
{
    private const string Notebook = "02-shared-memory.ipynb";

    [Fact]
    public void The_shared_memory_c_cell_prints_the_lecture_s_four_lines_in_order()
    {
        string[] lecture =
        [
            "Parent read: 1111",
            "Child read: 1111",
            "Child wrote: 2222",
            "After 5s, parent read: 2222",
        ];
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains(lecture[0], StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed \"{lecture[0]}\".\n{run.Log}");
        var lines = cell!.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
        Assert.Equal(lecture, lines);
    }

    [Fact]
    public void Its_last_ipcs_view_shows_that_none_of_its_kernel_objects_exists_any_more()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var views = run.CellTexts().Where(t => t.Contains("kernel object(s) of this process", StringComparison.Ordinal)
            || t.Contains("No System V object or /dev/shm entry of this process", StringComparison.Ordinal)).ToList();
        Assert.True(views.Count >= 2, $"{Notebook} shows fewer than two ipcs views.\n{run.Log}");
        Assert.Contains("System V shared memory", views[0]);
        Assert.Contains("No System V object or /dev/shm entry of this process", views[^1]);
    }
}
