using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Signals;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;
using static Ipc.Lab.Signals.Posix;

namespace Ipc.Lab.Tests;

/// <summary>Real signals between real processes: sending, catching, masks, real-time queues, every default
/// action, bad input — and no child of ours left running or stopped afterwards.</summary>
public sealed class SignalTests : IDisposable
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private readonly List<ChildProcess> _children = new();

    private ChildProcess Track(ChildProcess child)
    {
        _children.Add(child);
        return child;
    }

    /// <summary>A child that says it is ready, then sleeps until it is signalled (or a minute passes).</summary>
    private ChildProcess Sleeper(string name = "sleeper") => Track(Fork.Run(() =>
    {
        Console.WriteLine("ready");
        Thread.Sleep(60_000);
    }, name));

    [Fact]
    public void SIGTERM_kills_a_child_and_its_status_says_so()
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);

        Kill(child.Pid, Signal.SIGTERM);

        var status = child.Wait(Long);
        Assert.Equal(Signal.SIGTERM, status.KilledBy());
        Assert.IsType<ExitStatus.Signaled>(status);
    }

    [Fact]
    public void SIGQUIT_is_a_Core_signal_and_dumps_core_when_the_child_allows_it()
    {
        var dir = Path.Combine(Path.GetTempPath(), "ipc-lab-core-" + Guid.NewGuid().ToString("N"));
        try
        {
            var child = Track(Fork.Run(dir, d =>
            {
                CoreDumps.Enable(d);
                Console.WriteLine("ready");
                Thread.Sleep(60_000);
            }));
            child.WaitForOutput("ready", Long);

            child.Kill(Signal.SIGQUIT);

            var status = child.Wait(Long);
            Assert.Equal(Signal.SIGQUIT, status.KilledBy());
            Assert.Equal(DefaultAction.Core, SignalInfo.ActionOf(Signal.SIGQUIT));
            // Where the dump goes is the machine's choice (core_pattern); with the plain default it is written.
            if (CoreDumps.Pattern == "core") Assert.True(status is ExitStatus.Signaled { CoreDumped: true }, status.ToString());
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void SIGCHLD_is_ignored_by_default_and_the_child_keeps_running()
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);

        Kill(child.Pid, Signal.SIGCHLD);
        // Pending signals are taken lowest number first: once SIGSTOP (19) has stopped the child, SIGCHLD (17) was handled.
        child.Kill(Signal.SIGSTOP);
        child.WaitUntilStopped(Long);

        Assert.Null(child.Status);
        Assert.DoesNotContain(Signal.SIGCHLD, SignalStatus.Of(child.Pid)!.PendingForProcess);
        child.Kill(Signal.SIGCONT);
        child.WaitUntilContinued(Long);
        Assert.Null(child.Status);
    }

    [Fact]
    public void SIGSTOP_stops_a_child_that_proc_shows_stopped_and_SIGCONT_continues_it()
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);

        child.Kill(Signal.SIGSTOP);
        child.WaitUntilStopped(Long);
        Assert.Equal('T', ProcessState.Letter(child.Pid));

        child.Kill(Signal.SIGCONT);
        child.WaitUntilContinued(Long);
        Assert.NotEqual('T', ProcessState.Letter(child.Pid));
        Assert.Null(child.Status);
    }

    [Fact]
    public void A_stopped_child_is_killed_and_reaped_by_Dispose()
    {
        var child = Fork.Run(() => Thread.Sleep(60_000));
        child.Kill(Signal.SIGSTOP);
        child.WaitUntilStopped(Long);

        child.Dispose();

        Assert.Equal(Signal.SIGKILL, child.Status?.KilledBy());
        Assert.Null(ProcessState.Letter(child.Pid));
    }

    [Fact]
    public void A_child_catches_SIGINT_like_the_lecture_s_signal_c_and_exit_minus_1_is_status_255()
    {
        var child = Track(Fork.Run(() =>
        {
            using var handler = Posix.SigAction(Signal.SIGINT, _ =>
            {
                Console.WriteLine("\nSIGINT signal handler.");
                Console.WriteLine("exit.");
                Environment.Exit(-1);
            });
            Console.WriteLine("int_handler set for SIGINT");
            while (true)
            {
                Console.WriteLine("go to sleep.");
                Thread.Sleep(60_000);
            }
        }));
        child.WaitForOutput("go to sleep.", Long);

        Kill(child.Pid, Signal.SIGINT);

        Assert.Equal(255, child.Wait(Long).ExitCode());
        Assert.Equal(["int_handler set for SIGINT", "go to sleep.", "SIGINT signal handler.", "exit."],
            child.StandardOutput.Split('\n').Where(l => l.Length > 0));
    }

    [Fact]
    public void Without_a_handler_SIGINT_kills_a_dotnet_child_by_the_signal()
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);
        child.Kill(Signal.SIGINT);
        Assert.Equal(Signal.SIGINT, child.Wait(Long).KilledBy());
    }

    [Fact]
    public void The_notebook_s_own_process_catches_a_signal_it_sends_itself()
    {
        using var catcher = SigAction(Signal.SIGUSR2, _ => { });
        Kill(Environment.ProcessId, Signal.SIGUSR2);
        Assert.True(catcher.WaitFor(1, Long));
        Assert.Equal(1, catcher.Count);
    }

    [Fact]
    public void An_ignored_signal_does_not_kill_and_the_restored_default_does()
    {
        using var go = Pipe.Create();
        var child = Track(Fork.Run(go.ReadEnd, r =>
        {
            Posix.SigAction(Signal.SIGUSR1, Posix.SIG_IGN);
            Console.WriteLine("ignoring");
            r.Read(1, TimeSpan.FromSeconds(60));
            Posix.SigAction(Signal.SIGUSR1, Posix.SIG_DFL);
            Console.WriteLine("default");
            Thread.Sleep(60_000);
        }));
        child.WaitForOutput("ignoring", Long);
        Assert.Contains(Signal.SIGUSR1, SignalStatus.Of(child.Pid)!.Ignored);

        child.Kill(Signal.SIGUSR1);
        Assert.DoesNotContain(Signal.SIGUSR1, SignalStatus.Of(child.Pid)!.PendingForProcess);
        go.WriteEnd.Write("g");
        child.WaitForOutput("default", Long);
        Assert.Null(child.Status);

        child.Kill(Signal.SIGUSR1);
        Assert.Equal(Signal.SIGUSR1, child.Wait(Long).KilledBy());
    }

    [Fact]
    public void A_signal_blocked_on_a_thread_stays_pending_until_it_is_taken()
    {
        using var go = Pipe.Create();
        using var tids = Pipe.Create();
        var child = Track(Fork.Run(go.ReadEnd, tids.WriteEnd, (r, w) =>
        {
            using var mask = Posix.SigProcMask(SigmaskHow.SIG_BLOCK, Signal.SIGUSR1);
            w.Write(BitConverter.GetBytes(Posix.GetTid()));
            r.Read(1, TimeSpan.FromSeconds(60));
            var got = Posix.SigTimedWait([Signal.SIGUSR1], TimeSpan.FromSeconds(30));
            Console.WriteLine($"took {got?.Signo}");
        }));
        int tid = BitConverter.ToInt32(tids.ReadEnd.ReadExactly(4, Long));

        TgKill(child.Pid, tid, Signal.SIGUSR1);

        Assert.Contains(Signal.SIGUSR1, SignalStatus.Of(child.Pid, tid)!.PendingForThread);
        Assert.Contains(Signal.SIGUSR1, SignalStatus.Of(child.Pid, tid)!.Blocked);
        go.WriteEnd.Write("g");
        var end = child.Wait(Long);
        Assert.True(end.Success, $"{end} {child.Failure} {string.Join("\n", child.Output.Select(l => l.Text))}");
        Assert.Contains("took SIGUSR1", child.StandardOutput);
    }

    [Fact]
    public void A_mask_keeps_a_signal_pending_on_this_thread_and_unblocking_delivers_it()
    {
        using var catcher = SigAction(Signal.SIGUSR1, _ => { });
        var mask = SigProcMask(SIG_BLOCK, Signal.SIGUSR1);
        try
        {
            TgKill(Environment.ProcessId, GetTid(), Signal.SIGUSR1);
            Assert.Contains(Signal.SIGUSR1, SigPending());
            Assert.Equal(0, catcher.Count);
        }
        finally
        {
            mask.Dispose();
        }
        Assert.True(catcher.WaitFor(1, Long));
        Assert.DoesNotContain(Signal.SIGUSR1, SigPending());
    }

    [Fact]
    public void SigTimedWait_refuses_a_signal_the_calling_thread_does_not_block()
    {
        var e = Assert.Throws<InvalidOperationException>(() => SigTimedWait([Signal.SIGUSR1], TimeSpan.Zero));
        Assert.Contains("SigProcMask(SIG_BLOCK", e.Message);
    }

    [Fact]
    public void SigTimedWait_refuses_a_signal_again_once_the_mask_that_blocked_it_is_put_back()
    {
        // The check is remembered per thread between waits; putting the mask back must make it look again. On a
        // thread of its own, so that no other test's mask is touched.
        Exception? failed = null;
        var thread = new Thread(() => { try { RunCheck(); } catch (Exception e) { failed = e; } });
        thread.Start();
        Assert.True(thread.Join(Long));
        Assert.Null(failed);

        static void RunCheck()
        {
            using (SigProcMask(SigmaskHow.SIG_BLOCK, Signal.SIGUSR2))
                Assert.Null(SigTimedWait([Signal.SIGUSR2], TimeSpan.Zero));
            var e = Assert.Throws<InvalidOperationException>(() => SigTimedWait([Signal.SIGUSR2], TimeSpan.Zero));
            Assert.Contains("is not blocked", e.Message);
        }
    }

    [Fact]
    public void SigAction_returns_what_puts_the_previous_action_back()
    {
        using (SigAction(Signal.SIGWINCH, SIG_IGN))
            Assert.Contains(Signal.SIGWINCH, SignalStatus.Of(Environment.ProcessId)!.Ignored);
        Assert.DoesNotContain(Signal.SIGWINCH, SignalStatus.Of(Environment.ProcessId)!.Ignored);
    }

    [Fact]
    public void A_handler_installed_after_SIG_IGN_runs_again()
    {
        var child = Track(Fork.Run(() =>
        {
            using var first = Posix.SigAction(Signal.SIGUSR2, _ => { });
            Posix.SigAction(Signal.SIGUSR2, Posix.SIG_IGN);
            Posix.Kill(Environment.ProcessId, Signal.SIGUSR2);
            using var second = Posix.SigAction(Signal.SIGUSR2, _ => { });
            Posix.Kill(Environment.ProcessId, Signal.SIGUSR2);
            Console.WriteLine($"caught {second.WaitFor(1, TimeSpan.FromSeconds(10))}");
        }));
        var end = child.Wait(Long);
        Assert.True(end.Success, $"{end} {child.Failure} {string.Join("\n", child.Output.Select(l => l.Text))}");
        Assert.Contains("caught True", child.StandardOutput);
    }

    [Fact]
    public void Real_time_signals_queue_with_their_values_and_standard_ones_coalesce()
    {
        int n = Random.Shared.Next(200, 1000);

        var standard = Ipc.Lab.Experiments.Coalescing.Measure(Signal.SIGUSR1, [n]).Single();
        var realTime = Ipc.Lab.Experiments.Coalescing.Measure(Signal.SIGRTMIN + 1, [n]).Single();

        Assert.Equal(1, standard.Delivered);
        Assert.Equal(n, realTime.Delivered);
    }

    [Fact]
    public void A_queued_value_arrives_with_the_signal_in_the_order_sent()
    {
        using var tids = Pipe.Create();
        var child = Track(Fork.Run(tids.WriteEnd, w =>
        {
            using var mask = Posix.SigProcMask(SigmaskHow.SIG_BLOCK, Signal.SIGRTMIN + 2);
            w.Write(BitConverter.GetBytes(Posix.GetTid()));
            for (int i = 0; i < 3; i++) Console.WriteLine(Posix.SigTimedWait([Signal.SIGRTMIN + 2], TimeSpan.FromSeconds(30))?.Value);
        }));
        int tid = BitConverter.ToInt32(tids.ReadEnd.ReadExactly(4, Long));
        int[] values = [Random.Shared.Next(1000), Random.Shared.Next(1000), Random.Shared.Next(1000)];

        foreach (var v in values) RtTgSigQueueInfo(child.Pid, tid, Signal.SIGRTMIN + 2, v);

        var end = child.Wait(Long);
        Assert.True(end.Success, $"{end} {child.Failure} {string.Join("\n", child.Output.Select(l => l.Text))}");
        Assert.Equal(values.Select(v => v.ToString()), child.StandardOutput.Split('\n').Where(l => l.Length > 0));
    }

    [Fact]
    public void Sigqueue_to_a_child_process_delivers_every_real_time_signal_to_its_catcher()
    {
        int n = Random.Shared.Next(20, 200);
        var child = Track(Fork.Run(n, count =>
        {
            using var catcher = Posix.SigAction(Signal.SIGRTMIN + 3, _ => { });
            Console.WriteLine("ready");
            catcher.WaitFor(count, TimeSpan.FromSeconds(30));
            Console.WriteLine($"caught {catcher.Count}");
        }));
        child.WaitForOutput("ready", Long);

        for (int i = 0; i < n; i++) SigQueue(child.Pid, Signal.SIGRTMIN + 3, i);

        Assert.True(child.Wait(Long).Success);
        Assert.Contains($"caught {n}", child.StandardOutput);
    }

    [Theory]
    [InlineData(Signal.SIGSEGV)]
    [InlineData(Signal.SIGFPE)]
    [InlineData(Signal.SIGABRT)]
    public void A_fault_signal_sent_by_kill_does_not_kill_a_dotnet_child(Signal signal)
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);

        child.Kill(signal);
        // Lower numbers are handed out first: once SIGSTOP (19) has stopped the child, the fault signal was dealt with.
        child.Kill(Signal.SIGSTOP);
        child.WaitUntilStopped(Long);

        Assert.Null(child.Status);
    }

    [Fact]
    public void A_native_fault_kills_with_SIGSEGV_and_SIGFPE_while_managed_division_by_zero_is_an_exception()
    {
        var segv = Track(Fork.Run(() => Faults.ReadUnmappedMemory()));
        var fpe = Track(Fork.Run(() => Faults.DivideByZeroInNativeCode()));
        var managed = Track(Fork.Run(() => { int zero = Environment.ProcessorCount - Environment.ProcessorCount; Console.WriteLine(1 / zero); }));

        Assert.Equal(Signal.SIGSEGV, segv.Wait(Long).KilledBy());
        Assert.Equal(Signal.SIGFPE, fpe.Wait(Long).KilledBy());
        Assert.Equal(1, managed.Wait(Long).ExitCode());
        Assert.Equal(typeof(DivideByZeroException).FullName, managed.Failure?.ExceptionType);
    }

    [Fact]
    public void A_child_in_a_group_of_its_own_dies_by_a_signal_to_the_group()
    {
        var child = Track(Fork.Run(() =>
        {
            Console.WriteLine($"group {ProcessGroup.LeaveParentGroup()}");
            Thread.Sleep(60_000);
        }));
        child.WaitForOutput("group", Long);
        Assert.Equal(child.Pid, ProcessGroup.Of(child.Pid));

        Kill(-child.Pid, Signal.SIGTERM);

        Assert.Equal(Signal.SIGTERM, child.Wait(Long).KilledBy());
    }

    [Fact]
    public void The_group_of_the_notebook_s_children_and_the_special_pids_are_refused()
    {
        var child = Sleeper();
        int group = ProcessGroup.Of(child.Pid)!.Value;

        Assert.Throws<ArgumentException>(() => Kill(-group, Signal.SIGTERM));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kill(0, Signal.SIGTERM));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kill(-1, Signal.SIGTERM));
        Assert.Throws<ArgumentOutOfRangeException>(() => Kill(0, 0, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => SigQueue(-group, Signal.SIGRTMIN + 1, 0));
        Assert.Null(child.Status);
    }

    [Fact]
    public void Signal_0_only_probes_and_delivers_nothing()
    {
        var child = Sleeper();
        child.WaitForOutput("ready", Long);

        Kill(child.Pid, 0);

        Assert.True(Kill(child.Pid, 0, out var errno));
        Assert.Equal("", errno);
        Assert.Empty(SignalStatus.Of(child.Pid)!.PendingForProcess);
        Assert.Null(child.Status);
    }

    [Theory]
    [InlineData(65)]
    [InlineData(-3)]
    public void An_invalid_signal_number_is_EINVAL_with_an_explanation(int number)
    {
        var child = Sleeper();
        var e = Assert.Throws<SyscallException>(() => Kill(child.Pid, (Signal)number));
        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.Contains("signal number", e.Message);
        Assert.Null(child.Status);
    }

    [Fact]
    public void A_pid_that_does_not_exist_is_ESRCH()
    {
        // Above pid_max no process can exist.
        int absent = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1;
        var e = Assert.Throws<SyscallException>(() => Kill(absent, Signal.SIGTERM));
        Assert.Equal("ESRCH", e.ErrnoName);
        Assert.False(Kill(absent, 0, out var errno));
        Assert.Equal("ESRCH", errno);
    }

    [Fact]
    public void A_reaped_child_cannot_be_signalled()
    {
        var child = Track(Fork.Run(() => { }));
        child.Wait(Long);
        var e = Assert.Throws<SyscallException>(() => child.Kill(Signal.SIGTERM));
        Assert.Equal("ESRCH", e.ErrnoName);
    }

    [Fact]
    public void A_process_of_another_user_is_EPERM_unless_we_are_privileged()
    {
        bool privileged = Tmds.Linux.LibC.geteuid() == 0 || HasCapability(5 /* CAP_KILL */);
        bool allowed = Kill(1, 0, out var errno);
        if (privileged)
        {
            // With CAP_KILL every process may be signalled; the library still refuses the special pids.
            Assert.True(allowed);
            Assert.Throws<ArgumentOutOfRangeException>(() => Kill(-1, 0, out _));
        }
        else
        {
            Assert.False(allowed);
            Assert.Equal("EPERM", errno);
            var e = Assert.Throws<SyscallException>(() => Kill(1, Signal.SIGCONT));
            Assert.Contains("another user", e.Message);
        }
    }

    [Theory]
    [InlineData(Signal.SIGKILL)]
    [InlineData(Signal.SIGSTOP)]
    [InlineData(Signal.SIGRTMIN)]
    [InlineData(Signal.SIGSEGV)]
    public void Signals_a_dotnet_process_must_not_take_over_are_refused_with_the_reason(Signal signal)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => SigAction(signal, _ => { }));
        Assert.Contains(signal == Signal.SIGRTMIN ? "runtime" : signal is Signal.SIGSEGV ? "fault" : "cannot be caught", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => SigAction(signal, SIG_IGN));
        Assert.ThrowsAny<ArgumentException>(() => SigProcMask(SIG_BLOCK, signal));
    }

    [Fact]
    public void The_table_has_every_standard_signal_once_with_the_lecture_s_actions()
    {
        Assert.Equal(31, SignalInfo.Standard.Select(s => s.Number).Distinct().Count());
        Assert.Equal(DefaultAction.Ign, SignalInfo.ActionOf(Signal.SIGCHLD));
        Assert.Equal(DefaultAction.Stop, SignalInfo.ActionOf(Signal.SIGTSTP));
        Assert.Equal(DefaultAction.Cont, SignalInfo.ActionOf(Signal.SIGCONT));
        Assert.Equal(DefaultAction.Term, SignalInfo.ActionOf(Signal.SIGRTMIN + 5));
        Assert.Contains("SIGSEGV", Ipc.Lab.Visuals.Table.Signals().ToHtml());
    }

    private static bool HasCapability(int bit)
    {
        var line = File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("CapEff:", StringComparison.Ordinal));
        return (Convert.ToUInt64(line[7..].Trim(), 16) & (1UL << bit)) != 0;
    }

    public void Dispose()
    {
        foreach (var child in _children) child.Dispose();
        // No child of ours may be left behind, running or stopped.
        foreach (var child in _children)
        {
            Assert.NotNull(child.Status);
            Assert.Null(Proc.State(child.Pid));
        }
    }
}
