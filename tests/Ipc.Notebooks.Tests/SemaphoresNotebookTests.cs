using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 04-semaphores must show beyond running: the fruit plate gives every fruit to the right child,
/// and the deliberate deadlock ends in a timeout that names the semaphore, after which the other side goes on; the
/// lecture's threads and the repaired processes in C agree with the C# plate; both kinds of semaphore outlive the
/// process that used them until ipcrm or sem_unlink removes them.</summary>
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

    [Fact]
    public void In_c_the_lecture_s_threads_and_the_repaired_processes_give_every_fruit_to_the_right_child()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("The fruit plate three ways", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} showed the plate three ways.\n{run.Log}");
        if (cell!.Contains("not run: no gcc", StringComparison.Ordinal)) return;
        string Row(string role) => cell.Split('\n').Single(l => l.StartsWith(role + " ", StringComparison.Ordinal));
        foreach (var (role, three) in new[] { ("father", "put apple, put apple, put apple"), ("mother", "put pear, put pear, put pear"),
                     ("son", "got pear, got pear, got pear"), ("daughter", "got apple, got apple, got apple") })
            Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(Row(role), three).Count);
        // The lecture's version never ends by itself (for(;;)): it is killed; the repaired one exits.
        Assert.Contains("killed by SIGKILL (9)", Row("exit"));
        Assert.EndsWith("exited with status 0", Row("exit").TrimEnd());
    }

    [Fact]
    public void System_v_and_posix_semaphores_outlive_their_user_until_ipcrm_and_sem_unlink()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        var kept = texts.FirstOrDefault(t => t.Contains("the visitor exited with status 0", StringComparison.Ordinal));
        Assert.True(kept is not null, $"No cell of {Notebook} showed the semaphores a child left behind.\n{run.Log}");
        Assert.Contains("Semaphore Array semid=", kept);   // ipcs -s -i ID
        Assert.Contains("mode=0600", kept);
        Assert.Matches(@"/dev/shm/sem\.\S+-kept", kept);
        Assert.Matches(@"both still there: the System V set \d+ holds 1, /\S+-kept holds 1", kept);
        var removed = texts.FirstOrDefault(t => t.Contains("after ipcrm", StringComparison.Ordinal));
        Assert.True(removed is not null, $"No cell of {Notebook} removed them.\n{run.Log}");
        Assert.Contains("EINVAL", removed);
        Assert.Contains("exists: False", removed);
        Assert.Contains("a handle opened before the unlink still works: value 2", removed);
    }
}
