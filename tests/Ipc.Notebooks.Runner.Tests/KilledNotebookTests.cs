using System.Text.RegularExpressions;
using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// When the runner kills a notebook's worker (a cell ran past its timeout), nothing the notebook started may
// survive it: not its C# children, not the programs it ran, not the pre-started child host, not its FIFOs.
public sealed class KilledNotebookTests
{
    [Fact]
    public void Killing_a_stuck_notebook_leaves_no_process_and_no_fifo_behind()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code($"#r \"{Path.GetRelativePath(temp.Path, LabDll)}\"")
            .Code("""
                  using System.IO;
                  using System.Threading;
                  using Ipc.Lab.Processes;
                  using Ipc.Lab.Pipes;
                  var fifo = Fifo.Create("left-behind");
                  var sleeper = Fork.Run(() => Thread.Sleep(600_000), name: "sleeper");
                  var program = Command.Start("sleep", "600");
                  var stat = File.ReadAllText($"/proc/{sleeper.Pid}/stat");
                  var group = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[2];
                  Console.WriteLine($"group {group} fifo {fifo.Path}");
                  """)
            .Code("while (true) { }")
            .SaveIn(temp.Path, "stuck.ipynb");

        // Generous: the cell that forks starts the body compiler, which takes seconds on a loaded machine.
        var run = Start(temp.Sub("out"), notebook, "--cell-timeout", "20");

        Assert.NotEqual(0, run.ExitCode);
        var printed = string.Join("\n", Outputs(run.Cell("stuck.ipynb", 2)).Select(o => Text(o["text"]) + (string?)o["evalue"]));
        var match = Regex.Match(printed, @"group (\d+) fifo (\S+)");
        Assert.True(match.Success, $"the notebook did not report its process group: {printed}");
        int group = int.Parse(match.Groups[1].Value);
        string fifo = match.Groups[2].Value;

        // The guardian reacts to the worker's death at once; allow a generous bound for a loaded machine.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        IReadOnlyList<string> alive;
        while ((alive = LiveMembersOf(group)).Count > 0 || File.Exists(fifo))
        {
            Assert.True(DateTime.UtcNow < deadline,
                $"20 s after the worker was killed, still there: {string.Join("; ", alive)}{(File.Exists(fifo) ? $"; FIFO {fifo}" : "")}");
            Thread.Sleep(50);
        }
    }

    /// <summary>Processes that left the worker's process group and session (setsid, a double fork) or never used the
    /// course library (Process.Start) die with the cell that timed out, too: the runner holds them in a cgroup, or
    /// follows them through /proc as a child subreaper.</summary>
    [Theory]
    [InlineData("auto")]
    [InlineData("tree")]
    public void A_timed_out_cell_takes_every_process_it_started_with_it(string containment)
    {
        using var temp = new TempFolder();
        var marker = containment == "auto" ? "302" : "303";
        var notebook = new NotebookFile()
            .Code($$"""
                  using System.Diagnostics;
                  Process.Start("sleep", "{{marker}}1");
                  Process.Start("setsid", "-f sleep {{marker}}2")!.WaitForExit();
                  Process.Start("sh", "-c \"(sleep {{marker}}3 &) ; exit 0\"")!.WaitForExit();
                  while (true) { }
                  """)
            .SaveIn(temp.Path, "escapes.ipynb");
        var run = BoundedProcess.Run("dotnet", [RunnerDll, "run", notebook, "--out", temp.Sub("out"), "--cell-timeout", "10"], TimeSpan.FromSeconds(150),
            environment: new Dictionary<string, string> { ["IPC_NOTEBOOKS_CONTAINMENT"] = containment });

        Assert.NotEqual(0, run.ExitCode);
        foreach (var survivor in new[] { "1", "2", "3" })
            Assert.Empty(Submissions.LiveProcesses($"sleep {marker}{survivor}"));
    }

    // Processes of the group that are not dead. A zombie has exited and holds nothing but its pid; this
    // machine's PID 1 does not reap the orphans it inherits, so a killed run's children may stay zombies.
    private static IReadOnlyList<string> LiveMembersOf(int group)
    {
        var alive = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[2] != group.ToString() || fields[0] == "Z") continue;
            alive.Add($"{stat[..(stat.LastIndexOf(')') + 1)]} state {fields[0]}");
        }
        return alive;
    }
}
