using System.Text.RegularExpressions;
using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>`run` has no IPC namespace of its own, so after a notebook it removes the System V objects the notebook
/// left — but only what the kernel ties to the notebook's processes. Another program's object that appeared while the
/// notebook ran (a second run, a test, a student's kernel: same uid, just as new) must survive it.</summary>
public sealed class SweepTests
{
    [Fact]
    public async Task A_queue_another_process_made_during_the_run_survives_the_run_s_sweep()
    {
        using var temp = new TempFolder();
        var started = Path.Combine(temp.Path, "started");
        var go = Path.Combine(temp.Path, "go");
        var notebook = new NotebookFile()
            .Code($$"""
                  using System.IO;
                  using System.Threading;
                  File.WriteAllText("{{started}}", "");
                  var deadline = DateTime.UtcNow.AddSeconds(60);
                  while (!File.Exists("{{go}}") && DateTime.UtcNow < deadline) Thread.Sleep(20);
                  Console.WriteLine(File.Exists("{{go}}") ? "went on" : "no go within 60 s");
                  """)
            .SaveIn(temp.Path, "bystander.ipynb");

        var runner = Task.Run(() => Start(temp.Sub("out"), notebook, "--cell-timeout", "90"));
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!File.Exists(started) && !runner.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(File.Exists(started), "the notebook's cell never started");

        // Made by this test, not the notebook: a queue nobody has sent to, so the kernel names no pid for it.
        var made = BoundedProcess.Run("ipcmk", ["-Q", "-p", "0600"], TimeSpan.FromSeconds(10));
        var id = Regex.Match(made.Stdout, @"(\d+)\s*$").Groups[1].Value;
        Assert.True(made.ExitCode == 0 && id.Length > 0, $"ipcmk -Q failed: {made.Stdout}{made.Stderr}");
        try
        {
            File.WriteAllText(go, "");
            var run = await runner.WaitAsync(TimeSpan.FromSeconds(150)); // RunnerRun.Start bounds the runner at 150 s itself
            Assert.True(run.ExitCode == 0, run.Report);
            Assert.Contains("went on", Text(Single(run.Cell("bystander.ipynb", 1), "stream")["text"]));
            Assert.True(File.ReadLines("/proc/sysvipc/msg").Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1] == id),
                $"the run's sweep removed message queue {id}, which the notebook never touched.\n{run.Report}");
        }
        finally
        {
            BoundedProcess.Run("ipcrm", ["-q", id], TimeSpan.FromSeconds(10));
        }
    }
}
