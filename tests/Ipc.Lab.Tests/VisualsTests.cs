using System.Text.Json.Nodes;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Experiments;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Signals;
using Ipc.Lab.Visuals;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>The charts are plotly.js figures the library writes itself: what a chart holds, how it renders as
/// HTML, and that the library brings no charting assembly a notebook kernel could hold in another version.</summary>
public class VisualsTests
{
    [Fact]
    public void A_line_chart_is_plotly_json_with_every_series_and_guide()
    {
        var plot = Charts.Lines("Bytes in a pipe", "time (ms)", "bytes",
            [Series.Of("default", [(0, 0), (1, 65536)]), Series.Of("resized", [(0, 0), (1, double.NaN)])],
            logX: true, markers: true, guides: [(65536, "capacity")]);

        var figure = JsonNode.Parse(plot.ToJson())!;
        var data = figure["data"]!.AsArray();
        Assert.Equal(["default", "resized"], data.Select(t => (string?)t!["name"]));
        Assert.All(data, t => Assert.Equal("scatter", (string?)t!["type"]));
        Assert.All(data, t => Assert.Equal("lines+markers", (string?)t!["mode"]));
        Assert.Equal([0.0, 65536.0], data[0]!["y"]!.AsArray().Select(v => (double)v!));
        // A value that is not a number becomes a gap, not an exception.
        Assert.Equal("NaN", (string?)data[1]!["y"]![1]);
        Assert.Equal("Bytes in a pipe", (string?)figure["layout"]!["title"]!["text"]);
        Assert.Equal("log", (string?)figure["layout"]!["xaxis"]!["type"]);
        Assert.Equal(65536.0, (double)figure["layout"]!["shapes"]![0]!["y0"]!);
        Assert.Equal("capacity", (string?)figure["layout"]!["annotations"]![0]!["text"]);
        Assert.Null(figure["layout"]!["showlegend"]);
    }

    [Fact]
    public void A_timeline_has_a_row_per_process_and_a_bar_where_one_was_blocked()
    {
        TraceEvent At(long ms, int pid, string process, TraceKind kind) => new(ms * 1_000_000, pid, process, kind, kind.ToString(), 0);
        var events = new[]
        {
            At(0, 10, "parent", TraceKind.Spawned), At(1, 11, "child", TraceKind.Started), At(2, 10, "parent", TraceKind.Blocked),
            At(5, 11, "child", TraceKind.Wrote), At(6, 10, "parent", TraceKind.Read), At(7, 11, "child", TraceKind.Exited),
        };

        var figure = JsonNode.Parse(Timeline.Of(events, "who waited").ToJson())!;

        var traces = figure["data"]!.AsArray();
        var blocked = traces.Single(t => (string?)t!["name"] == "blocked")!;
        Assert.Equal([2.0, 6.0], blocked["x"]!.AsArray().Take(2).Select(v => (double)v!));
        Assert.Equal(["child", "parent"], figure["layout"]!["yaxis"]!["categoryarray"]!.AsArray().Select(v => (string?)v));
        Assert.Contains(traces, t => (string?)t!["name"] == "Read");
    }

    [Fact]
    public void A_signal_s_life_is_read_from_its_bits_and_how_they_changed()
    {
        SignalStatus Bits(bool blocked, bool pendingThread, bool pendingProcess = false) => new(
            pendingThread ? [Signal.SIGUSR1] : [], pendingProcess ? [Signal.SIGUSR1] : [], blocked ? [Signal.SIGUSR1, Signal.SIGUSR2] : [Signal.SIGUSR2],
            [], [Signal.SIGUSR1]);

        var life = SignalLife.Of(Signal.SIGUSR1)
            .Then("blocked <mask>", Bits(blocked: true, pendingThread: false))
            .Then("sent", Bits(blocked: true, pendingThread: true))
            .Then("sent again", Bits(blocked: true, pendingThread: true))
            .Then("unblocked", Bits(blocked: false, pendingThread: false))
            .Then("sent to the process", Bits(blocked: false, pendingThread: false, pendingProcess: true));

        Assert.Equal(5, life.Steps.Count);
        Assert.Equal("nothing pending; blocked, so one sent now would wait", life.Stage(0));
        Assert.Equal("generated: pending for one thread, blocked: the kernel holds it", life.Stage(1));
        Assert.StartsWith("still pending", life.Stage(2));
        Assert.Equal("delivered: the handler ran", life.Stage(3));
        Assert.Equal("generated: pending for the process, not blocked: on its way", life.Stage(4));
        // Another signal's bits (SIGUSR2 is blocked in every snapshot) do not leak into this one's life.
        Assert.False(life.Steps[3].Blocked);
        var html = life.ToHtml();
        Assert.Contains("class=\"ipc-signal-life\"", html);
        Assert.Contains("blocked &lt;mask&gt;", html);
        Assert.DoesNotContain("<mask>", html);
        Assert.Contains("4. unblocked: delivered: the handler ran", life.ToString());
    }

    [Fact]
    public void The_first_chart_of_a_process_carries_plotly_js_and_later_ones_do_not()
    {
        Plot.ForgetScriptSent();
        var chart = Charts.Line("</script><b>title</b>", "x", "y", Series.Of("s", [(1, 2)]));

        var first = chart.ToHtml();
        var second = chart.ToHtml();

        Assert.Contains("class=\"ipc-plot\"", first);
        Assert.Contains($"data-ipc-plotly=\"{Plot.PlotlyVersion}\"", first);
        Assert.Contains("window.Plotly", first);
        Assert.True(first.Length > 500_000, $"plotly.js should be inlined in the first chart; its HTML has {first.Length} characters");
        Assert.DoesNotContain("data-ipc-plotly", second);
        Assert.True(second.Length < 5_000, $"the second chart should not carry plotly.js again; its HTML has {second.Length} characters");
        // A title cannot end the script it sits in, and nothing is fetched from a network.
        Assert.DoesNotContain("</script><b>", first + second);
        Assert.DoesNotContain("src=\"http", first + second, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual(Id(first), Id(second));
    }

    [Fact]
    public void A_descriptor_table_is_read_from_proc_of_the_real_processes()
    {
        using var pipe = Pipe.Create();
        // sleep's stdin is the read end: posix_spawn has placed it at fd 0 by the time Start returns.
        using var reader = Command.Start("sleep", ["30"], stdin: pipe.ReadEnd);
        try
        {
            var both = DescriptorTable.Of("after the spawn", pipe, reader);
            var notebook = both.Processes[0];
            Assert.Equal([pipe.ReadEnd.Number, pipe.WriteEnd.Number], notebook.Descriptors.Select(d => d.Fd));
            Assert.Equal([false, true], notebook.Descriptors.Select(d => d.IsWriteEnd));
            var child = Assert.Single(both.Processes[1].Descriptors);
            Assert.Equal((0, false), (child.Fd, child.IsWriteEnd));
            string link = Assert.Single(both.Pipes);
            Assert.Matches(@"^pipe:\[\d+\]$", link);
            string html = both.ToHtml();
            Assert.Contains("class=\"ipc-descriptors\"", html);
            Assert.Contains("<svg", html);
            Assert.Contains(link, html);
            Assert.Equal(3, CountOf(html, "<polygon"));   // one arrow per descriptor

            pipe.ReadEnd.Close();
            var after = DescriptorTable.Of("after close", pipe, reader);
            Assert.Equal([true], after.Processes[0].Descriptors.Select(d => d.IsWriteEnd));
            Assert.Contains($"fd 0   → {link}, read end", after.ToString());
        }
        finally
        {
            reader.Kill();
            reader.Wait();
        }
    }

    [Fact]
    public void Shared_pages_are_the_same_inode_at_each_process_s_own_address()
    {
        using var region = AnonymousSharedMemory.Create(8192);
        using var ready = Pipe.Create();
        using var go = Pipe.Create();
        using var child = Fork.Run(region, ready.WriteEnd, go.ReadEnd, (m, up, start) =>
        {
            up.Write(".");
            start.ReadToEnd(TimeSpan.FromSeconds(30));
        }, name: "mapper");
        ready.WriteEnd.Close();
        go.ReadEnd.Close();
        ready.ReadEnd.ReadExactly(1, TimeSpan.FromSeconds(30));

        var pages = SharedPages.Of("two processes", region, child);

        go.WriteEnd.Close();
        child.Wait(TimeSpan.FromSeconds(30));
        Assert.Null(pages.Missing);
        Assert.Equal(["notebook", "mapper"], pages.Mappings.Select(m => m.Process));
        Assert.Single(pages.Mappings.Select(m => (m.Device, m.Inode)).Distinct());
        Assert.All(pages.Mappings, m => Assert.Equal("rw-s", m.Permissions));
        Assert.All(pages.Mappings, m => Assert.Equal(8192UL, m.Length));
        Assert.Contains("class=\"ipc-shared-pages\"", pages.ToHtml());
    }

    [Fact]
    public void An_interleaving_runs_as_scheduled_and_marks_the_store_that_loses_an_update()
    {
        var lost = Interleave.Run("ABAB");          // A loads 0, B loads 0, A stores 1, B stores 1
        Assert.Equal([0L, 0L, 1L, 1L], lost.Steps.Select(s => s.Value));
        Assert.Equal([true, true, false, false], lost.Steps.Select(s => s.IsLoad));
        Assert.Equal((2, 1L, 1L), (lost.Increments, lost.Final, lost.Lost));
        var drawn = Interleaving.Of(lost);
        Assert.Equal(new Dictionary<int, char> { [3] = 'A' }, drawn.Overwrites);
        Assert.Contains("class=\"ipc-interleaving\"", drawn.ToHtml());

        // Two increments each, and only 2 survive: the lowest any schedule of two processes can reach.
        var lowest = Interleave.Run("ABBABAAB");
        Assert.Equal((4, 2L), (lowest.Increments, lowest.Final));
        Assert.Equal(0L, Interleave.Run("AABB").Lost);   // one after the other: nothing lost
        Assert.Contains("never stores", Interleave.Problem("ABA"));
        Assert.Throws<ArgumentException>(() => Interleave.Run("AxA"));
    }

    [Fact]
    public void A_listing_numbers_the_lines_of_the_file_and_escapes_them()
    {
        var listing = new Listing("pipe.c", "#include <stdio.h>\nint main(void) { return 1 < 2; }\n");

        string html = listing.ToHtml();

        Assert.Contains("class=\"ipc-listing\"", html);
        Assert.Contains("&lt;stdio.h&gt;", html);
        Assert.Contains("1 &lt; 2", html);
        Assert.Equal(2, CountOf(html, "user-select:none"));   // two lines: the trailing newline adds none
        Assert.Equal("── pipe.c ──\n  1  #include <stdio.h>\n  2  int main(void) { return 1 < 2; }\n", listing.ToString());
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public void The_library_references_no_assembly_a_notebook_kernel_ships_itself()
    {
        // The kernel students run ships its own FSharp.Core, Roslyn, System.CommandLine and .NET Interactive; a
        // library that asks for another version of any of them fails to load there (the charts did, with
        // Plotly.NET). Framework assemblies and Tmds.LibC are all Ipc.Lab may need.
        var references = typeof(Plot).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        var foreign = references.Where(n => !(n is "System" or "netstandard" or "mscorlib" or "Tmds.LibC" || n.StartsWith("System.", StringComparison.Ordinal) || n.StartsWith("Microsoft.Win32.", StringComparison.Ordinal))).ToList();
        Assert.True(foreign.Count == 0, $"Ipc.Lab references {string.Join(", ", foreign)}; a notebook kernel may ship another version. Keep such work in a program of its own, as Roslyn is kept in src/Ipc.Lab.Compiler (see ARCHITECTURE.md).");
    }

    private static string Id(string html) => html[(html.IndexOf("id=\"", StringComparison.Ordinal) + 4)..].Split('"')[0];
}
