using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 03-signals must show beyond running: the lecture's signal.c output, line for line, in C# and in C;
/// the repaired C and the handler that deadlocks on its own thread's lock; and a signal's life read from the
/// kernel's bits. The C cells may say that gcc is missing instead, never nothing.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SignalsNotebookTests
{
    private const string Notebook = "03-signals.ipynb";
    private const string NoGcc = "gcc is not installed here";

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

    [Fact]
    public void The_c_signal_c_prints_the_same_lines_and_status_as_the_c_sharp_version_and_only_at_exit()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("The lecture's signal.c, run twice", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} showed signal.c in C# and C side by side.\n{run.Log}");
        if (cell!.Contains(NoGcc, StringComparison.Ordinal)) return;
        // stdout to a pipe is fully buffered: nothing before SIGINT, everything at exit.
        Assert.Contains("signal: SIGINT caught, asleep; lines received so far: 0", cell);
        var rows = cell.Split('\n').Where(l => l.StartsWith("line ", StringComparison.Ordinal) || l.StartsWith("exit status", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count == 6, $"Expected five line rows and an exit status row:\n{cell}");
        foreach (var row in rows.Where(r => r.Trim().Split("  ", StringSplitOptions.RemoveEmptyEntries).Length > 1))
        {
            var columns = row.Split("  ", StringSplitOptions.RemoveEmptyEntries).Select(c => c.Trim()).ToArray();
            Assert.True(columns.Length == 3 && columns[1] == columns[2], $"C# and C differ in row \"{row}\":\n{cell}");
        }
        Assert.Contains(rows, r => r.Contains("exited with status 255", StringComparison.Ordinal));
    }

    [Fact]
    public void The_handler_that_takes_its_own_thread_s_lock_hangs_until_sigalrm_and_the_self_pipe_and_the_repair_do_not()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        var locked = texts.FirstOrDefault(t => t.Contains("--- handler calls log_line", StringComparison.Ordinal) || (t.Contains(NoGcc, StringComparison.Ordinal) && t.Contains("handler_lock", StringComparison.Ordinal)));
        Assert.True(locked is not null, $"No cell of {Notebook} ran handler_lock.c.\n{run.Log}");
        if (locked!.Contains(NoGcc, StringComparison.Ordinal)) return;
        Assert.Contains("--- handler calls log_line: killed by SIGALRM (14)", locked);
        Assert.DoesNotContain("main: log_line returned\n--- self-pipe", locked);
        Assert.Contains("main: the self-pipe said signal 10; logged outside the handler", locked);
        Assert.Contains("--- self-pipe: exited with status 0", locked);
        var repaired = texts.FirstOrDefault(t => t.Contains("signal_fixed: SIGINT caught", StringComparison.Ordinal));
        Assert.True(repaired is not null, $"No cell of {Notebook} ran signal_fixed.c.\n{run.Log}");
        Assert.Contains("SIGINT signal handler. | exit.; killed by SIGINT (2)", repaired);
    }

    [Fact]
    public void A_signal_s_life_shows_it_pending_while_blocked_sent_twice_and_delivered_once()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("The life of SIGUSR1", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} drew a signal's life.\n{run.Log}");
        Assert.Contains("1. the child caught and blocked SIGUSR1: nothing pending; blocked", cell);
        Assert.Contains("2. tgkill(SIGUSR1): generated: pending for one thread, blocked", cell);
        Assert.Contains("3. tgkill(SIGUSR1) again: still pending for one thread, blocked", cell);
        Assert.Contains("4. the child unblocked it: delivered: the handler ran (blocked 0, pending thread 0, process 0, caught 1)", cell);
        Assert.Contains("the handler ran 1 time(s)", cell);
    }
}
