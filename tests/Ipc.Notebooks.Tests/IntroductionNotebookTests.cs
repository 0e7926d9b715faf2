using System.Text.RegularExpressions;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 00-introduction must show beyond running: one address, two values, in two real processes; a
/// zombie as /proc shows it; a stopped child; a pipe's write that returns before anyone reads; and the
/// descriptors that cross exec. The C cells may say that gcc is missing instead, never nothing.</summary>
[Collection(NotebookCollection.Name)]
public sealed partial class IntroductionNotebookTests
{
    private const string Notebook = "00-introduction.ipynb";
    private const string NoGcc = "gcc is not installed here";

    [GeneratedRegex(@"(parent|child) +pid \d+: &value = (0x[0-9a-f]+), value = (\d+)")]
    private static partial Regex ValueLine();

    [Fact]
    public void Parent_and_child_hold_the_same_address_with_different_values_in_the_same_region()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = Cell(run, "&value = ", "twins.c");
        if (cell.Contains(NoGcc, StringComparison.Ordinal)) return;
        var lines = ValueLine().Matches(cell).ToDictionary(m => m.Groups[1].Value, m => (Address: m.Groups[2].Value, Value: m.Groups[3].Value));
        Assert.True(lines.Count == 2, $"Expected a parent and a child line:\n{cell}");
        Assert.Equal(lines["parent"].Address, lines["child"].Address);
        Assert.Equal(("100", "2"), (lines["parent"].Value, lines["child"].Value));
        var regions = cell.Split('\n').Where(l => l.Contains("/maps: ", StringComparison.Ordinal)).Select(l => l[(l.IndexOf("/maps: ", StringComparison.Ordinal) + 7)..].Trim()).ToList();
        Assert.True(regions.Count == 2 && regions[0] == regions[1] && regions[0].Contains(" rw-p ", StringComparison.Ordinal),
            $"Expected one writable private region, the same in both /proc/PID/maps:\n{cell}");
    }

    [Fact]
    public void The_zombie_is_seen_in_proc_with_its_exit_code_then_reaped()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = Cell(run, "exit_code field", "zombie.c");
        if (cell.Contains(NoGcc, StringComparison.Ordinal)) return;
        Assert.Contains("state Z (zombie", cell);
        Assert.Contains("memory lines (Vm...): 0", cell);
        Assert.Contains("exit_code field 1792 = 7 << 8", cell);
        Assert.Contains("parent: reaped", cell);
        Assert.Contains("exists: False", cell);
    }

    [Fact]
    public void Process_control_shows_the_child_stopped_then_running_again()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = Cell(run, "continued: ", null);
        Assert.Matches(@"stopped: +T \(stopped\)", cell);
        Assert.Matches(@"continued: +[RS] ", cell);
    }

    [Fact]
    public void A_pipe_s_blocking_write_returns_before_anyone_reads()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = Cell(run, "receiver: the sender is gone", null);
        Assert.Contains("sender: exited with status 0", cell);
        Assert.Contains("receiver: the sender is gone; 5 bytes wait in the pipe", cell);
        Assert.Contains("receiver: read \"hello\"", cell);
    }

    [Fact]
    public void Only_the_pipe_without_O_CLOEXEC_crosses_exec()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = Cell(run, "pipe2(O_CLOEXEC)", "cloexec.c");
        if (cell.Contains(NoGcc, StringComparison.Ordinal)) return;
        Assert.Contains("pipe():            fds 3 and 4", cell);
        Assert.Contains("pipe2(O_CLOEXEC):  fds 5 and 6", cell);
        var after = cell[cell.IndexOf("after exec", StringComparison.Ordinal)..];
        Assert.Matches(@"fd 3 -> pipe:\[\d+\]", after);
        Assert.Matches(@"fd 4 -> pipe:\[\d+\]", after);
        Assert.DoesNotMatch(@"fd [56] -> ", after);
    }

    /// <summary>The text of the cell that printed <paramref name="marker"/>, or of the one that said gcc is
    /// missing for <paramref name="program"/>.</summary>
    private static string Cell(NotebookRun run, string marker, string? program)
    {
        var texts = run.CellTexts();
        var cell = texts.FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal))
            ?? (program is null ? null : texts.FirstOrDefault(t => t.Contains(NoGcc, StringComparison.Ordinal) && t.Contains(program, StringComparison.Ordinal)));
        Assert.True(cell is not null, $"No cell of {Notebook} printed \"{marker}\".\n{run.Log}");
        return cell!;
    }
}
