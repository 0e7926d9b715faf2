using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 05-message-queues must show beyond running: the lecture's receiver prints the slide's four lines in
/// order (in both engines), the 128-byte receiver dies with E2BIG and leaves its queue, boundaries are kept, the
/// clients get their own answers, and the queue plateaus at msg_qbytes where the pipe holds 65,536.</summary>
[Collection(NotebookCollection.Name)]
public sealed class MessageQueuesNotebookTests
{
    private const string Notebook = "05-message-queues.ipynb";

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public void The_lecture_s_receiver_prints_the_four_Receive_lines_in_order_and_the_sender_its_Send_data_lines(Engine engine)
    {
        var run = NotebookRun.Of(Notebook, answers: null, engine);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("Receive: this", StringComparison.Ordinal) && t.Contains("Receive: end", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed the lecture's Receive: lines in the {engine} engine.\n{run.Log}");
        var lines = Lines(cell!);
        Assert.Equal(["Receive: this", "Receive: is", "Receive: apple", "Receive: end"], lines.Where(l => l.StartsWith("Receive: ", StringComparison.Ordinal)));
        Assert.Equal(["Send data : this", "Send data : is", "Send data : apple", "Send data : end"], lines.Where(l => l.StartsWith("Send data : ", StringComparison.Ordinal)));
        Assert.Contains("sender: exited with status 0; receiver: exited with status 0", cell);
        // The receiver removed it; the kernel shows the table as HTML only, so its caption is read in our runner.
        if (engine == Engine.Runner) Assert.Contains("No System V message queue with key", cell);
    }

    [Fact]
    public void The_128_byte_receiver_dies_with_E2BIG_and_its_queue_is_left_with_two_messages_until_the_fix()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        var died = texts.FirstOrDefault(t => t.Contains("a long line", StringComparison.Ordinal) && t.Contains("E2BIG", StringComparison.Ordinal));
        Assert.True(died is not null, $"No cell of {Notebook} showed the receiver's E2BIG.\n{run.Log}");
        Assert.Contains("receiver: exited with status 1", died);
        Assert.DoesNotContain("Receive: a long line", died);
        var fixedCell = texts.FirstOrDefault(t => t.Contains("Receive: 128 bytes", StringComparison.Ordinal));
        Assert.True(fixedCell is not null, $"No cell of {Notebook} ran the fixed receivers.\n{run.Log}");
        Assert.Equal(["Receive: 128 bytes", "Receive: 3 bytes", "Receive: 200 bytes", "Receive: 3 bytes"], Lines(fixedCell!).Where(l => l.StartsWith("Receive: ", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_queue_keeps_boundaries_types_route_replies_and_a_full_queue_stops_at_16384_bytes_against_the_pipe_s_65536()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        string Cell(string marker) => run.CellPrinting(marker);

        Assert.Equal(Enumerable.Repeat("(10 bytes)", 4), Lines(Cell("msgrcv(15) →")).Where(l => l.StartsWith("msgrcv(15)", StringComparison.Ordinal)).Select(l => l[^10..]));
        Assert.Contains("type -3: a1(type 1) a2(type 1) b1(type 2) c1(type 3) c2(type 3)", Cell("type -3:"));
        var clients = Lines(Cell("client apple: got")).Where(l => l.StartsWith("client ", StringComparison.Ordinal)).Order();
        Assert.Equal(["client apple: got APPLE", "client pear: got PEAR", "client plum: got PLUM"], clients);
        var full = Cell("msg_cbytes 16,384 of msg_qbytes");
        Assert.Contains("queue: 16 messages, msg_cbytes 16,384 of msg_qbytes 16,384; pipe: 65,536 of 65,536 bytes", full);
        Assert.Contains("child: msgrcv → EIDRM", Cell("child: msgrcv →"));
        Assert.Contains("notified: True", Cell("notified:"));
        Assert.Contains("priority 5: urgent\npriority 5: urgent too\npriority 3: middle\npriority 1: low", Cell("priority 5: urgent").Replace("\r", ""));
    }

    [Fact]
    public void The_comparison_with_C_shows_both_plateaus_equal_in_C_and_in_C_sharp()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var table = run.CellTexts().FirstOrDefault(t => t.Contains("System V message queue, C (gcc -O2", StringComparison.Ordinal));
        Assert.True(table is not null, $"No cell of {Notebook} compared the queue with C.\n{run.Log}");
        Assert.Matches(@"queue plateau, msg_cbytes \(bytes\)\s+16,384\s+16,384\s+1\.00×", table);
        Assert.Matches(@"pipe plateau, same machine \(bytes\)\s+65,536\s+65,536\s+1\.00×", table);
        Assert.Matches(@"round trip, 64 B, median \(µs\)\s+\d", table);
    }

    private static string[] Lines(string cell) => cell.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();
}
