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

    [Fact]
    public void Two_processes_map_the_region_with_the_same_inode_and_the_interleaving_loses_one_update()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        var pages = texts.FirstOrDefault(t => t.Contains("Two processes, one region", StringComparison.Ordinal));
        Assert.True(pages is not null, $"No cell of {Notebook} drew the shared pages.\n{run.Log}");
        // "notebook (pid 1): 7f..-7f.. rw-s → device 00:01, inode 2626 /memfd:...": one line per process.
        var mappings = System.Text.RegularExpressions.Regex.Matches(pages!, @"\((pid \d+)\): ([0-9a-f]+)-[0-9a-f]+ rw-s → (device \S+ inode \d+)")
            .Select(m => (Pid: m.Groups[1].Value, Start: m.Groups[2].Value, Backing: m.Groups[3].Value)).ToList();
        Assert.True(mappings.Count == 2, $"Expected the notebook's and the child's shared mapping:\n{pages}");
        Assert.NotEqual(mappings[0].Pid, mappings[1].Pid);
        Assert.Equal(mappings[0].Backing, mappings[1].Backing);

        var interleaving = texts.FirstOrDefault(t => t.Contains("Schedule ABAB", StringComparison.Ordinal));
        Assert.True(interleaving is not null, $"No cell of {Notebook} ran the schedule ABAB.\n{run.Log}");
        Assert.Contains("2 increments, counter 1: 1 lost", interleaving);
        Assert.Contains("overwrites A's store: lost", interleaving);
    }

    [Fact]
    public void With_gcc_O2_the_plain_flag_is_never_seen_and_the_volatile_and_atomic_ones_are()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellPrinting("writer: stored 1 (plain)");
        // The plain reader is stopped by the writer (exit 1); the other two see the store (exit 0).
        Assert.Contains("plain: exited with status 1", cell);
        Assert.Contains("volatile: exited with status 0", cell);
        Assert.Contains("atomic: exited with status 0", cell);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(cell, "^reader: stopped by the writer", System.Text.RegularExpressions.RegexOptions.Multiline));
        Assert.Contains("what happened: saw the store: volatile, atomic", cell);
    }
}
