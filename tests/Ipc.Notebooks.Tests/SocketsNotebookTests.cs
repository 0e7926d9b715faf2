using System.Diagnostics;
using System.Globalization;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>What 06-sockets must show beyond running: the lecture's server.c and client.c output, in both engines.
/// The two programs are two processes printing into one cell, so each one's lines must come in its own order;
/// how the two interleave is the scheduler's choice.</summary>
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
