using System.Diagnostics;
using System.Globalization;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 06-sockets must show beyond running: the lecture's server.c and client.c output, in both engines
/// (two processes printing into one cell, so each one's lines must come in its own order; how the two interleave is
/// the scheduler's choice); the kernel's views (ss, /proc/net/tcp6, UDP drops, a full Unix datagram queue); every
/// prediction revealed; the figures against C; the three server designs. Shapes only: never timings, pids or ports.</summary>
[Collection(NotebookCollection.Name)]
public sealed class SocketsNotebookTests
{
    private const string Notebook = "06-sockets.ipynb";

    [Theory]
    [InlineData(Engine.Runner)]
    [InlineData(Engine.Kernel)]
    public void The_server_and_client_cell_prints_the_lecture_s_lines(Engine engine)
    {
        var run = NotebookRun.Of(Notebook, answers: null, engine);
        var cell = run.CellTexts().FirstOrDefault(t => t.Contains("Hello from client", StringComparison.Ordinal) && t.Contains("Hello from server", StringComparison.Ordinal));
        Assert.True(cell is not null, $"No cell of {Notebook} printed both \"Hello from client\" and \"Hello from server\" in the {engine} engine.\n{run.Log}");
        var lines = cell!.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        // Four lines, two per process: the server's "Hello from client" then "Hello message sent", the client's
        // "Hello message sent" then "Hello from server".
        Assert.Equal(4, lines.Count);
        Assert.Equal(2, lines.Count(l => l == "Hello message sent"));
        int fromClient = lines.IndexOf("Hello from client"), fromServer = lines.IndexOf("Hello from server");
        Assert.True(fromClient >= 0 && fromServer >= 0, string.Join(" / ", lines));
        Assert.Contains("Hello message sent", lines.Skip(fromClient + 1));   // the server's second line
        Assert.Contains("Hello message sent", lines.Take(fromServer));       // the client's first line
    }

    [Fact]
    public void The_kernel_s_views_show_ss_or_say_it_is_missing_IPv6_loopback_UDP_drops_and_a_full_Unix_datagram_queue()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        string Cell(string marker) => run.CellPrinting(marker);

        var ss = texts.FirstOrDefault(t => t.Contains("ss: exited with status 0", StringComparison.Ordinal) || t.Contains("ss is not installed here", StringComparison.Ordinal));
        Assert.True(ss is not null, $"No cell of {Notebook} ran ss or said it is missing.\n{run.Log}");
        if (ss!.Contains("ss: exited", StringComparison.Ordinal))
        {
            // The listener and its three connections, each seen from both ends: one LISTEN line, six ESTAB lines.
            Assert.Single(Lines(ss), l => l.StartsWith("LISTEN ", StringComparison.Ordinal));
            Assert.Equal(6, Lines(ss).Count(l => l.StartsWith("ESTAB ", StringComparison.Ordinal)));
        }

        var v6 = texts.FirstOrDefault(t => t.Contains("server [::1]:", StringComparison.Ordinal) || t.Contains("IPv6 loopback is not available", StringComparison.Ordinal));
        Assert.True(v6 is not null, $"No cell of {Notebook} connected over ::1 or said IPv6 is off.\n{run.Log}");
        if (v6!.Contains("server [::1]", StringComparison.Ordinal))
        {
            Assert.Matches(@"server \[::1\]:\d+ ⇄ client \[::1\]:\d+, family 10 \(AF_INET6 = 10\)", v6);
            Assert.Contains("what happened: 32 hex digits", v6);
        }

        var flood = Cell("sendto calls, every one succeeded");
        var counted = System.Text.RegularExpressions.Regex.Match(flood, @"receiver: ([\d,]+) datagrams arrived; /proc/net/udp's drops column: ([\d,]+)");
        Assert.True(counted.Success, flood);
        int arrived = int.Parse(counted.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        int dropped = int.Parse(counted.Groups[2].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        Assert.Equal(1000, arrived + dropped);
        Assert.True(dropped > 0, flood);
        Assert.Contains("arrived + dropped = 1,000 of 1,000 sent", flood);

        var unix = Cell("datagrams queued, then sendto → EAGAIN");
        var queued = System.Text.RegularExpressions.Regex.Match(unix, @"writer: (\d+) datagrams queued");
        Assert.True(queued.Success, unix);
        Assert.Contains($"notebook: read {queued.Groups[1].Value} datagrams, one per recvfrom, in order: datagram 0 … datagram {int.Parse(queued.Groups[1].Value, CultureInfo.InvariantCulture) - 1}", unix);
    }

    [Fact]
    public void Every_prediction_asked_is_revealed_beside_what_happened()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        // The questions, as the notebook's cells ask them (an Ask cell shows nothing: it is a declaration).
        var source = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(NotebookCatalog.PathOf(Notebook)))!["cells"]!.AsArray()
            .Select(c => string.Concat(c!["source"]!.AsArray().Select(l => (string?)l)));
        var asked = source.SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t, @"Predict\.Ask\(""([^""]+)""").Select(m => "🔮 " + m.Groups[1].Value)).ToList();
        Assert.True(asked.Count >= 15, $"only {asked.Count} predictions are asked in {Notebook}");
        foreach (var question in asked)
        {
            var revealed = texts.FirstOrDefault(t => t.Contains(question + "\n   you predicted: ", StringComparison.Ordinal));
            Assert.True(revealed is not null, $"\"{question}\" was asked but never revealed.\n{run.Log}");
            Assert.Matches(@"what happened: \S", revealed);
        }
    }

    [Fact]
    public void The_comparison_with_C_gives_TCP_UDP_and_Unix_round_trips_and_streaming_as_ratios()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var table = run.CellTexts().FirstOrDefault(t => t.Contains("Sockets, C (gcc -O2", StringComparison.Ordinal));
        Assert.True(table is not null, $"No cell of {Notebook} compared the sockets with C.\n{run.Log}");
        foreach (var kind in new[] { "TCP", "UDP", "Unix socketpair" })
        {
            Assert.Matches($@"{kind} round trip, 64 B, median \(µs\)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d×", table);
            Assert.Matches($@"{kind} round trip, 64 B, p99 \(µs\)\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d×", table);
        }
        Assert.Matches(@"TCP streaming, 64 KiB sends \(GB/s\)\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d×", table);
        Assert.Matches(@"Unix socketpair streaming, 64 KiB sends \(GB/s\)\s+\d+\.\d\d\s+\d+\.\d\d\s+\d+\.\d\d×", table);
        Assert.Matches(@"C# / C, medians: TCP \d+\.\d\d×, UDP \d+\.\d\d×, Unix \d+\.\d\d×", table);
    }

    [Fact]
    public void The_three_server_designs_are_measured_with_real_client_processes_for_each_number_of_clients_and_charted()
    {
        var run = NotebookRun.Of(Notebook, answers: null);
        var texts = run.CellTexts();
        int index = texts.ToList().FindIndex(t => t.Contains("Three echo servers, 200 round trips of 64 B per client", StringComparison.Ordinal));
        Assert.True(index >= 0, $"No cell of {Notebook} measured the three server designs.\n{run.Log}");
        var rows = Lines(texts[index])
            .Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^(one at a time|poll loop|a process per client)\s+(\d+)\s+[\d,]+\s+[\d,]+\.\d(?!\d)"))
            .Where(m => m.Success).Select(m => $"{m.Groups[1].Value} {m.Groups[2].Value}").ToList();
        Assert.Equal(["one at a time 1", "one at a time 2", "one at a time 4", "one at a time 8",
                      "poll loop 1", "poll loop 2", "poll loop 4", "poll loop 8",
                      "a process per client 1", "a process per client 2", "a process per client 4"], rows);
        Assert.Equal(2, run.ChartsByCell().GetValueOrDefault(index));
        Assert.Matches(@"with 4 clients: most round trips per second, (one at a time|poll loop|a process per client); longest wait for a first reply, (one at a time|poll loop|a process per client)", texts[index]);
        Assert.Contains("8 client processes wait for orders", string.Concat(texts));
    }

    private static string[] Lines(string cell) => cell.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToArray();

    /// <summary>While the notebook runs (our runner: the .NET Interactive kernel's own HTTP endpoint listens on every
    /// interface, which is the kernel's doing, not the course's), every TCP or UDP socket held by the runner or any
    /// process it started is bound to loopback. Sampled from /proc/net every few milliseconds for the whole run.</summary>
    [Fact]
    public void While_it_runs_no_socket_of_its_processes_is_bound_beyond_loopback()
    {
        var outDir = Directory.CreateTempSubdirectory("ipc-notebook-test-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Paths.RunnerDll, "run", NotebookCatalog.PathOf(Notebook), "--out", outDir }) start.ArgumentList.Add(a);
        using var runner = Process.Start(start)!;
        runner.OutputDataReceived += (_, _) => { };
        runner.ErrorDataReceived += (_, _) => { };
        runner.BeginOutputReadLine();
        runner.BeginErrorReadLine();
        var seen = new HashSet<string>();
        var beyond = new HashSet<string>();
        var deadline = DateTime.UtcNow.AddMinutes(4);
        try
        {
            while (!runner.HasExited && DateTime.UtcNow < deadline)
            {
                var inodes = Tree(runner.Id).SelectMany(SocketInodes).ToHashSet();
                foreach (var (table, local, inode) in NetEntries().Where(e => inodes.Contains(e.Inode)))
                {
                    seen.Add($"{table} {local}");
                    if (!IsLoopback(local)) beyond.Add($"{table} {local}");
                }
                Thread.Sleep(5);
            }
            Assert.True(runner.HasExited, "the notebook did not finish within 4 minutes");
            Assert.Equal(0, runner.ExitCode);
        }
        finally
        {
            if (!runner.HasExited) runner.Kill(entireProcessTree: true);
            Directory.Delete(outDir, recursive: true);
        }
        Assert.True(seen.Count >= 10, $"only {seen.Count} sockets were seen while the notebook ran: the sampling saw nothing");
        Assert.Empty(beyond);
    }

    private static List<int> Tree(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
            }
            catch (IOException) { }
        }
        var tree = new List<int> { root };
        for (int i = 0; i < tree.Count; i++) tree.AddRange(parents.Where(p => p.Value == tree[i]).Select(p => p.Key));
        return tree;
    }

    private static IEnumerable<ulong> SocketInodes(int pid)
    {
        var inodes = new List<ulong>();
        try
        {
            foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
                if (new FileInfo(fd).LinkTarget is { } t && t.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(ulong.Parse(t["socket:[".Length..^1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return inodes;
    }

    /// <summary>(table, local address as the kernel writes it, inode) of every TCP and UDP socket.</summary>
    private static IEnumerable<(string Table, string Local, ulong Inode)> NetEntries() =>
        new[] { "tcp", "tcp6", "udp", "udp6" }.SelectMany(table => File.ReadAllLines($"/proc/net/{table}").Skip(1)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(f => (table, f[1], ulong.Parse(f[9], CultureInfo.InvariantCulture))));

    /// <summary>"0100007F:1F90" (127.0.0.1, in memory order) or 32 hex digits of IPv6 (::1 is 00000000000000000000000001000000).</summary>
    private static bool IsLoopback(string local)
    {
        var hex = local[..local.IndexOf(':')];
        if (hex.Length == 8) return hex.EndsWith("7F", StringComparison.Ordinal);    // 127.x.x.x: the first byte is the last pair
        return hex == "00000000000000000000000001000000"                              // ::1
            || (hex.StartsWith("0000000000000000FFFF0000", StringComparison.Ordinal) && hex.EndsWith("7F", StringComparison.Ordinal)); // ::ffff:127.x
    }
}
