using System.Globalization;
using System.Text.RegularExpressions;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 07-comparison must show beyond running: the four corrections of the lecture's table, live, in
/// both engines; the extended table's live columns; a round-trip row with a C and a C# figure for each of the ten
/// mechanisms (or the missing gcc said once, and C# alone); streams; and nothing left in the kernel. Figures are
/// timings, so only their presence and form are checked, never their size.</summary>
[Collection(NotebookCollection.Name)]
public sealed partial class ComparisonNotebookTests
{
    private const string Notebook = "07-comparison.ipynb";

    private static readonly string[] Mechanisms =
    [
        "pipe", "FIFO", "shared memory + semaphores", "System V message queue", "POSIX message queue",
        "TCP (loopback)", "UDP (loopback)", "Unix stream socket", "real-time signal + value", "eventfd",
    ];

    [GeneratedRegex(@"^(?<name>.+?)\s{2,}(?<size>\d+) B\s+(?<cPinned>[\d.]+|—)\s+(?<csPinned>[\d.]+)\s+(?<ratio>[\d.]+×|—)\s", RegexOptions.Multiline)]
    private static partial Regex RoundTripRow();

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public void The_lecture_s_table_is_corrected_live(Engine engine)
    {
        var run = NotebookRun.Of(Notebook, answers: null, engine);
        Assert.Contains("with value 4242", Cell(run, "received SIGRTMIN+3 (37) from pid"));
        Assert.Matches(@"pid \d+ read: hello from pid \d+", Cell(run, "read: hello from pid"));
        Assert.Contains("sem_getvalue: 2", Cell(run, "sem_getvalue:"));
        var unix = Cell(run, "in /proc/net/unix:");
        Assert.Contains("in /proc/net/unix: True", unix);
        if (!unix.Contains("gcc is not installed here", StringComparison.Ordinal))
        {
            Assert.Contains("connect(AF_UNIX socket, 127.0.0.1:80) = -1, errno EINVAL", unix);
            Assert.Contains("struct sockaddr_un: 110 bytes = sun_family (2) + sun_path (108)", unix);
        }
    }

    [Fact]
    public void The_extended_table_shows_boundaries_and_poll_as_they_ran()
    {
        var table = Cell(NotebookRun.Of(Notebook, answers: null), "Live: the boundaries and poll columns ran just now");
        var rows = table.Split('\n');
        string Row(string start) => rows.Single(r => r.StartsWith(start + "  ", StringComparison.Ordinal));
        Assert.Contains("no: one receive took both (20 bytes)", Row("pipe"));
        Assert.Contains("yes: one receive took one message (10 bytes)", Row("System V queue"));
        Assert.Contains("no: an id, not a descriptor", Row("System V queue"));
        Assert.Contains("yes: one receive took one message (10 bytes)", Row("POSIX queue"));
        Assert.Contains("yes (an mqd_t is a descriptor on Linux)", Row("POSIX queue"));
        Assert.Contains("UDP: yes: one receive took one message (10 bytes)", Row("TCP / UDP"));
        Assert.Contains("stream: no: one receive took both (20 bytes)", Row("Unix socket"));
        Assert.Contains("no: writes of 3 and 4, one read of 7", Row("eventfd"));
        Assert.Contains("yes (poll: readable once something arrived)", Row("eventfd"));
        Assert.Contains($"msgmax {File.ReadAllText("/proc/sys/kernel/msgmax").Trim()}", Row("System V queue"));
    }

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public void The_measurement_finishes_in_both_engines(Engine engine)
    {
        // The kernel shows tables and the progress bar as HTML only; the line printed after measuring is text in both.
        var run = NotebookRun.Of(Notebook, answers: null, engine);
        Assert.Matches(@"measured in \d+ s; load average [\d.]+; \d+ CPUs", Cell(run, "measured in "));
    }

    [Fact]
    public void Every_mechanism_has_a_round_trip_in_C_sharp_next_to_C_and_streams_are_measured()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var table = Cell(run, "Round trip, µs: medians and 99th percentiles");
        bool hasC = !table.Contains("gcc is not installed here", StringComparison.Ordinal);
        var rows = RoundTripRow().Matches(table).ToDictionary(m => m.Groups["name"].Value.Trim(), m => m);
        foreach (var name in Mechanisms)
        {
            Assert.True(rows.TryGetValue(name, out var row), $"no round-trip row for {name}:\n{table}");
            Assert.True(double.Parse(row!.Groups["csPinned"].Value, CultureInfo.InvariantCulture) > 0, row.Value);
            if (hasC)
            {
                double c = double.Parse(row.Groups["cPinned"].Value, CultureInfo.InvariantCulture);
                double cs = double.Parse(row.Groups["csPinned"].Value, CultureInfo.InvariantCulture);
                Assert.True(c > 0, row.Value);
                // The ratio is of the unrounded figures: from the rounded ones it agrees to within their rounding.
                double ratio = double.Parse(row.Groups["ratio"].Value.TrimEnd('×'), CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(ratio - cs / c) <= 0.01 + 0.02 * ratio, $"{row.Value}: {cs} / {c} is not {ratio}");
            }
        }
        var streams = Cell(run, "Streaming, MB/s (bytes per µs)");
        foreach (var name in Mechanisms.Where(n => n is not ("UDP (loopback)" or "real-time signal + value" or "eventfd")))
            foreach (var size in new[] { "64 B", "1 KiB", "8 KiB" })
                Assert.Matches(new Regex($@"^{Regex.Escape(name)}\s+{size}\s+[\d.—]", RegexOptions.Multiline), streams);
        Assert.Contains("round trips done", Cell(run, "round trip: pipe"));
    }

    [Fact]
    public void Threads_and_processes_are_measured_side_by_side()
    {
        var table = Cell(NotebookRun.Of(Notebook, answers: null), "two threads: lock + condition variable");
        Assert.Matches(@"two threads: lock \+ condition variable\s+([\d.]+\s+[\d.]+\s+)?[\d.]+\s+[\d.]+", table);
        Assert.Matches(@"two processes: shared memory \+ semaphores\s+([\d.]+\s+[\d.]+\s+)?[\d.]+\s+[\d.]+", table);
        Assert.Matches(@"threads ÷ processes, C#: [\d.]+×", table);
    }

    [Fact]
    public void Its_last_ipcs_view_shows_that_nothing_is_left_in_the_kernel()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var last = run.CellTexts().Last(t => t.Contains("of this process", StringComparison.Ordinal));
        Assert.Contains("No System V object or /dev/shm entry of this process", last);
    }

    private static string Cell(NotebookRun run, string marker) =>
        run.CellTexts().FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No cell of {Notebook} printed \"{marker}\".\n{run.Log}");
}
