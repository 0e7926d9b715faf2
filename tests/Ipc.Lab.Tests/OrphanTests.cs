using System.Reflection;
using System.Text.RegularExpressions;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Ipc.Lab.Tests;

/// <summary>No child outlives the process that started it — also when that process is killed with SIGKILL and
/// nothing in it can run any more (a notebook kernel restart).</summary>
public class OrphanTests(ITestOutputHelper log)
{
    [Fact]
    public void Killing_a_process_with_SIGKILL_leaves_none_of_its_children_and_removes_its_fifo()
    {
        Assert.True(File.Exists(OrphansProgram.Dll), $"{OrphansProgram.Dll} is built with this project");
        // Orphans are given to the nearest "child subreaper" ancestor: make that us, so that every process the
        // killed one started becomes our child, and "gone" means we reaped it — exact, not a guess from /proc.
        ChildPool.Drain(); // ours; so that below, every process under us is accounted for
        Assert.Equal(0, Proc.prctl(Proc.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
        var left = new HashSet<int>();
        try
        {
            using var victim = Command.Start(OrphansProgram.Dotnet, OrphansProgram.Dll);
            Match ready = Match.Empty;
            Assert.True(Proc.Eventually(() =>
            {
                ready = victim.Output.Select(l => Regex.Match(l.Text, @"^READY csharp=(\d+) native=(\d+) pipeline=(\d+),(\d+) fifo=(.+)$"))
                    .FirstOrDefault(m => m.Success) ?? Match.Empty;
                return ready.Success || victim.HasExited;
            }, TimeSpan.FromSeconds(60)), "the program did not report what it started within 60 s");
            Assert.True(ready.Success, $"the program ended before it was ready: {victim.Status}; it said: {string.Join(" / ", victim.Output.Select(l => l.Text))}");

            var reported = Enumerable.Range(1, 4).Select(i => int.Parse(ready.Groups[i].Value)).ToArray();
            var fifo = ready.Groups[5].Value;
            // The library starts a child host ahead of time, in the background, after the first Fork.Run: wait
            // until it is there, so that the list below holds everything.
            if (Environment.GetEnvironmentVariable("IPC_LAB_WARM_CHILD") != "0")
                Assert.True(Proc.Eventually(() => Proc.Descendants(victim.Pid).Any(p => Proc.CommandLine(p).Contains("--warm")), TimeSpan.FromSeconds(30)),
                    "the pre-started child host did not appear");
            // Everything it started: what it reported, plus what the library started for it (guardian,
            // pre-started host, compiler).
            var started = Proc.Descendants(victim.Pid);
            Assert.All(reported, p => Assert.Contains(p, started));
            Assert.Contains(started, p => Proc.Argv0(p) == "ipc-lab-guardian");
            Assert.All(reported, p => Assert.Equal(Proc.Group(reported[0]), Proc.Group(p))); // one guarded group
            Assert.True(File.Exists(fifo), fifo);
            Assert.StartsWith(RunDirectory.Path + "/", fifo);
            log.WriteLine($"started: {string.Join(", ", started.Select(p => $"{Proc.Argv0(p)}"))}");

            victim.Kill(Signals.Signal.SIGKILL);
            Assert.Equal(Signals.Signal.SIGKILL, victim.Wait(TimeSpan.FromSeconds(10)).KilledBy());

            left.UnionWith(started);
            bool allGone = Proc.Eventually(() =>
            {
                foreach (var pid in left.ToArray())
                {
                    if (Proc.TryReap(pid, out int error)) left.Remove(pid);
                    else if (error == Proc.ECHILD && Proc.State(pid) is null) left.Remove(pid);
                }
                return left.Count == 0;
            }, TimeSpan.FromSeconds(15));

            Assert.True(allGone, "still there: " + string.Join(", ", left.Select(p => $"{p} {Proc.Argv0(p)} {Proc.State(p)}")));
            // The guardian removes the run-directory entries before it kills the group, so once it is reaped
            // the FIFO is gone: no waiting needed.
            Assert.False(File.Exists(fifo), $"{fifo} was left behind");
            Assert.Empty(Directory.GetFileSystemEntries(RunDirectory.Path, $"{victim.Pid}-*"));
            // Nothing else was handed to us either: below this process there are only its own children.
            var ours = ChildRegistry.Running().Select(c => c.Pid).Append(Guardian.Pid).ToHashSet();
            Assert.All(Proc.Descendants(Environment.ProcessId), p => Assert.True(ours.Contains(p), $"{p} {Proc.CommandLine(p)} {Proc.State(p)} is left"));
        }
        finally
        {
            // If the library failed, do not leave its failure behind: what is still ours is killed and reaped.
            foreach (var pid in left.Where(p => Proc.Parent(p) == Environment.ProcessId).ToArray())
                Tmds.Linux.LibC.kill(pid, (int)Signals.Signal.SIGKILL);
            Proc.Eventually(() => left.All(p => Proc.TryReap(p, out _) || Proc.Parent(p) != Environment.ProcessId), TimeSpan.FromSeconds(10));
            Proc.prctl(Proc.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
        }
    }

    [Fact]
    public void Once_its_children_are_disposed_a_process_has_none_left_running()
    {
        using (var pipe = Pipe())
        {
            var children = new[]
            {
                Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper"),
                Fork.Run(() => { }, name: "quiet"),
                Command.Start("sleep", "60"),
            };
            var pids = children.Select(c => c.Pid).ToArray();
            var running = ChildRegistry.Running().Select(c => c.Pid).ToArray();
            Assert.Contains(pids[0], running);
            Assert.Contains(pids[2], running);

            foreach (var c in children) c.Dispose();

            Assert.DoesNotContain(ChildRegistry.Running(), c => pids.Contains(c.Pid));
            Assert.All(pids, p => Assert.Null(Proc.State(p)));
        }
        // The body compiler is the one child the library keeps on purpose (warm, for the next body).
        Assert.All(ChildRegistry.Running(), c => Assert.Equal("compiler", c.Name));
        // And in the kernel's view: once the pre-started child host is drained, every process below this one
        // is the compiler or the guardian.
        ChildPool.Drain();
        var kept = ChildRegistry.Running().Select(c => c.Pid).Append(Guardian.Pid).ToHashSet();
        Assert.All(Proc.Descendants(Environment.ProcessId), p => Assert.True(kept.Contains(p), $"{p} {Proc.Argv0(p)} is left"));
    }

    [Fact]
    public void A_signal_to_the_whole_guarded_group_kills_the_children_but_not_the_guardian()
    {
        using var sleep = Command.Start("sleep", "60");
        int guardian = Proc.Group(sleep.Pid)!.Value;
        Assert.Equal(Guardian.Pid, guardian);
        Assert.Equal("ipc-lab-guardian", Proc.Argv0(guardian));
        // A student's kill(-group, SIGTERM) must not disarm it: it ignores every signal it can.
        var ignored = IgnoredSignals(guardian);
        foreach (var s in new[] { Signals.Signal.SIGHUP, Signals.Signal.SIGINT, Signals.Signal.SIGQUIT, Signals.Signal.SIGTERM, Signals.Signal.SIGUSR1, Signals.Signal.SIGPIPE })
            Assert.True((ignored & (1UL << ((int)s - 1))) != 0, $"the guardian does not ignore {s}");

        Assert.Equal(0, Tmds.Linux.LibC.kill(-guardian, (int)Signals.Signal.SIGTERM));

        Assert.Equal(Signals.Signal.SIGTERM, sleep.Wait(TimeSpan.FromSeconds(10)).KilledBy());
        Assert.Equal('S', Proc.State(guardian));
        // The library's own helpers in the group died too; it starts new ones when asked.
        foreach (var helper in ChildRegistry.Running().Where(c => c.Name == "compiler")) helper.WaitForExit(10_000);
        ChildPool.Drain();
        using var child = Fork.Run(7, n => Console.WriteLine($"after the group was signalled: {n * 6}"), name: "survivor");
        Assert.True(child.Wait(TimeSpan.FromSeconds(60)).Success);
        Assert.Equal("after the group was signalled: 42", child.StandardOutput);
    }

    /// <summary>SigIgn from /proc/PID/status: bit n-1 set when signal n is ignored.</summary>
    private static ulong IgnoredSignals(int pid) => (ProcStatus.Of(pid) ?? throw new InvalidOperationException($"pid {pid} is gone")).Ignored;

    private static Ipc.Lab.Pipes.Pipe Pipe() => Ipc.Lab.Pipes.Pipe.Create();

}
