using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 04-semaphores must show beyond running: the fruit plate gives every fruit to the right child,
/// and the deliberate deadlock ends in a timeout that names the semaphore, after which the other side goes on.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SemaphoresNotebookTests
{
    private const string Notebook = "04-semaphores.ipynb";

    [Fact]
    public void The_fruit_plate_gives_three_pears_to_the_son_and_three_apples_to_the_daughter()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("the plate at the end", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} reported the plate.\n{run.Log}");
        var got = cell!.Split('\n').Where(l => l.Contains(": got ", StringComparison.Ordinal)).Select(l => l.Trim()).Order().ToArray();
        Assert.Equal(["daughter: got apple", "daughter: got apple", "daughter: got apple", "son: got pear", "son: got pear", "son: got pear"], got);
        Assert.Contains("s1 pear=0, s2 apple=0, s3 space=1", cell);
    }

    [Fact]
    public void The_deadlock_times_out_naming_the_semaphore_and_then_the_other_process_gets_both()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("left is pid", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} ran the deadlock.\n{run.Log}");
        Assert.Contains("to DOWN 'B'", cell);
        Assert.Contains("its value stayed 0", cell);
        Assert.Contains("right: got both", cell);
        Assert.DoesNotContain("left: got both", cell);
    }
}
