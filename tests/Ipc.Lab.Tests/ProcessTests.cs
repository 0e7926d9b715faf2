using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Ipc.Lab.Signals;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Fork.Run and Command.Start: real children, their exit statuses, signals, timeouts, failures and output.</summary>
public class ProcessTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(255)]
    public void Environment_Exit_in_a_body_is_the_childs_exit_status(int code)
    {
        using var child = Fork.Run(code, c => Environment.Exit(c));

        var status = child.Wait(Long);

        Assert.Equal(code, status.ExitCode());
        Assert.Null((int?)status.KilledBy());
        Assert.Equal(code == 0, status.Success);
        Assert.True(child.HasExited);
        Assert.Same(status, child.Status);
    }

    [Fact]
    public void A_body_that_returns_exits_with_status_0()
    {
        using var child = Fork.Run(() => { }, name: "quiet");

        var status = child.Wait(Long);

        Assert.True(status.Success);
        Assert.Equal("quiet", child.Name);
        Assert.Equal("exited with status 0", status.ToString());
        Assert.Null(child.Failure);
    }

    [Fact]
    public void SIGKILL_ends_a_sleeping_body_and_the_status_names_the_signal()
    {
        using var child = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");

        child.Kill(Signal.SIGKILL);
        var status = child.Wait(Long);

        Assert.Null(status.ExitCode());
        Assert.Equal(9, (int?)status.KilledBy());
        Assert.Equal(Signal.SIGKILL, status.KilledBy());
        Assert.False(status.Success);
        Assert.Equal("killed by SIGKILL (9)", status.ToString());
    }

    [Fact]
    public void SIGTERM_ends_a_sleeping_body()
    {
        using var child = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");

        child.Kill(Signal.SIGTERM);
        var status = child.Wait(Long);

        // The .NET runtime handles SIGTERM itself: it runs its shutdown and then dies of the signal.
        Assert.Equal(Signal.SIGTERM, status.KilledBy());
    }

    [Fact]
    public void SIGTERM_ends_a_native_program_with_the_signal_as_its_status()
    {
        using var sleep = Command.Start("sleep", "60");

        sleep.Kill(Signal.SIGTERM);
        var status = sleep.Wait(Long);

        Assert.Equal(15, (int?)status.KilledBy());
        Assert.Equal("sleep 60", sleep.Command);
    }

    [Theory]
    [InlineData(0x0000, 0, null, false)]
    [InlineData(0x0300, 3, null, false)]
    [InlineData(0xff00, 255, null, false)]
    [InlineData(0x0009, null, 9, false)]
    [InlineData(0x0086, null, 6, true)]
    public void The_wait_status_word_is_decoded_as_WIFEXITED_WEXITSTATUS_WTERMSIG_WCOREDUMP(int word, int? code, int? signal, bool core)
    {
        var status = ExitStatus.FromWaitStatus(word);

        Assert.Equal(code, status.ExitCode());
        Assert.Equal(signal, (int?)status.KilledBy());
        Assert.Equal(core, status is ExitStatus.Signaled { CoreDumped: true });
    }

    [Fact]
    public void A_native_program_killed_by_a_signal_it_raised_reports_that_signal()
    {
        using var sh = Command.Start("sh", "-c", "kill -ABRT $$");

        Assert.Equal(Signal.SIGABRT, sh.Wait(Long).KilledBy());
    }

    [Fact]
    public void A_native_programs_exit_code_is_its_status()
    {
        using var sh = Command.Start("sh", "-c", "exit 3");

        Assert.Equal(3, sh.Wait(Long).ExitCode());
    }

    [Fact]
    public void Waiting_too_short_for_a_child_that_never_exits_fails_naming_the_child_and_leaves_it_running()
    {
        using var child = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");

        var e = Assert.Throws<WaitTimeoutException>(() => child.Wait(TimeSpan.FromMilliseconds(300)));

        Assert.Contains("child 'sleeper'", e.Message);
        Assert.Contains("still there", e.Message);
        Assert.Contains("Kill()", e.Message);
        Assert.False(child.HasExited);
        child.Kill();
        Assert.Equal(Signal.SIGKILL, child.Wait(Long).KilledBy());
    }

    [Fact]
    public void Killing_a_child_that_was_reaped_already_is_ESRCH_saying_so()
    {
        using var child = Fork.Run(() => { }, name: "quiet");
        child.Wait(Long);

        var e = Assert.Throws<SyscallException>(() => child.Kill(Signal.SIGTERM));

        Assert.Equal("ESRCH", e.ErrnoName);
        Assert.Contains("already exited", e.Meaning);
    }

    [Fact]
    public void Dispose_kills_and_reaps_a_running_child()
    {
        var child = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper");
        Assert.Null(child.Status);

        child.Dispose();

        Assert.Equal(Signal.SIGKILL, child.Status?.KilledBy());
        Assert.Null(Proc.State(child.Pid));
        Assert.DoesNotContain(ChildRegistry.Running(), c => c.Pid == child.Pid);
    }

    [Fact]
    public void An_exception_escaping_the_body_is_exit_status_1_with_its_type_message_and_line()
    {
        using var capture = new ConsoleCapture();
        using var child = Fork.Run(() =>
        {
            Console.WriteLine("before the throw");
            throw new InvalidOperationException("boom in the child");
        }, name: "thrower");

        var status = child.Wait(Long);

        Assert.Equal(1, status.ExitCode());
        Assert.NotNull(child.Failure);
        Assert.Equal("System.InvalidOperationException", child.Failure!.ExceptionType);
        Assert.Equal("boom in the child", child.Failure.Message);
        Assert.Equal("line 4 of the child body", child.Failure.Where);
        Assert.Equal("before the throw", child.StandardOutput);
        Assert.Contains(child.Output, l => l.IsError && l.Text.Contains("Unhandled exception in child 'thrower'") && l.Text.Contains("boom in the child"));
    }

    [Fact]
    public void A_body_that_uses_a_parent_variable_is_refused_naming_it_and_nothing_is_spawned()
    {
        int secretNumber = 42;
        long mark = EventTrace.Mark();

        var e = Assert.Throws<ChildBodyException>(() => Fork.Run(() => Console.WriteLine(secretNumber)));

        Assert.Equal(["secretNumber"], e.ParentNames);
        Assert.Contains("'secretNumber'", e.Message);
        Assert.Contains("cannot see the parent's variables", e.Message);
        Assert.Contains("Fork.Run(secretNumber, secretNumber =>", e.Message);
        Assert.DoesNotContain(EventTrace.Since(mark), ev => ev.Kind == TraceKind.Spawned && ev.Process != "compiler");
    }

    [Fact]
    public void An_argument_that_cannot_cross_a_process_boundary_is_refused_before_spawning()
    {
        var notPlain = new List<int> { 1 };

        var e = Assert.Throws<ArgumentException>(() => Fork.Run(notPlain, l => Console.WriteLine(l.Count)));

        Assert.Contains("List`1", e.Message);
        Assert.Contains("cannot be handed to another process", e.Message);
    }

    [Fact]
    public void Plain_values_arrive_in_the_child_as_they_were_given()
    {
        using var child = Fork.Run(42, "héllo, wörld", new[] { 1, 2, 3 },
            (n, s, a) => Console.WriteLine($"{n + 1}|{s}|{string.Join(",", a)}|{a.Length}"));

        Assert.True(child.Wait(Long).Success);
        Assert.Equal("43|héllo, wörld|1,2,3|3", child.StandardOutput);
    }

    [Fact]
    public void A_flood_of_output_arrives_complete_and_in_order()
    {
        const int lines = 20_000;
        using var capture = new ConsoleCapture();
        using var child = Fork.Run(lines, n =>
        {
            for (int i = 0; i < n; i++) Console.WriteLine($"line {i} {new string('é', i % 50)}");
        }, name: "flood");

        Assert.True(child.Wait(Long).Success);

        var output = child.Output;
        Assert.Equal(lines, output.Count);
        for (int i = 0; i < lines; i++) Assert.Equal($"line {i} {new string('é', i % 50)}", output[i].Text);
    }

    [Fact]
    public void Stdout_and_stderr_lines_are_relayed_in_order_marked_and_shown_on_the_console_of_the_starter()
    {
        using var capture = new ConsoleCapture();
        using var child = Fork.Run(() =>
        {
            for (int i = 1; i <= 3; i++)
            {
                Console.WriteLine($"out {i}");
                Console.Error.WriteLine($"err {i}");
            }
            Console.Write("no newline at the end");
        }, name: "talker");
        child.Wait(Long);
        capture.Dispose();

        var output = child.Output;
        // Each stream keeps its own order; between the two pipes the relay sees whichever it reads first.
        Assert.Equal(["out 1", "out 2", "out 3", "no newline at the end"], output.Where(l => !l.IsError).Select(l => l.Text));
        Assert.Equal(["err 1", "err 2", "err 3"], output.Where(l => l.IsError).Select(l => l.Text));
        Assert.All(output, l => Assert.Equal("talker", l.Process));
        Assert.All(output, l => Assert.Equal(child.Pid, l.Pid));
        Assert.Equal("out 1\nout 2\nout 3\nno newline at the end", child.StandardOutput);
        Assert.Equal("out 1\nout 2\nout 3\nno newline at the end\n", capture.Out.ToString().Replace("\r\n", "\n"));
        Assert.Equal("err 1\nerr 2\nerr 3\n", capture.Error.ToString().Replace("\r\n", "\n"));
    }

    [Fact]
    public unsafe void A_descriptor_this_process_inherited_without_O_CLOEXEC_does_not_reach_a_child()
    {
        // As a shell or a Jupyter launcher hands them to the notebook's process: a pipe with no O_CLOEXEC.
        int* fds = stackalloc int[2];
        Assert.Equal(0, Tmds.Linux.LibC.pipe(fds));
        try
        {
            using var child = Command.Start("/bin/sh", "-c", "ls /proc/$$/fd");
            Assert.True(child.Wait(TimeSpan.FromSeconds(60)).Success, child.ToString());
            var inChild = child.Output.Where(l => !l.IsError).Select(l => int.Parse(l.Text.Trim())).ToHashSet();

            Assert.DoesNotContain(fds[0], inChild);
            Assert.DoesNotContain(fds[1], inChild);
            Assert.Contains(1, inChild); // the listing itself is real: the child's stdout is there
        }
        finally
        {
            Tmds.Linux.LibC.close(fds[0]);
            Tmds.Linux.LibC.close(fds[1]);
        }
    }

    [Fact]
    public void A_foreground_thread_a_body_started_keeps_the_child_running_after_the_body_returns()
    {
        // .NET's rule, kept by the child host's quick exit: it ends the process at once only when no thread was
        // started by the body (this one writes 300 ms after the body has returned).
        using var pipe = Pipes.Pipe.Create();
        using var child = Fork.Run(pipe.WriteEnd, w =>
        {
            new Thread(() =>
            {
                Thread.Sleep(300);
                w.Write("from the thread");
            }) { IsBackground = false }.Start();
        });
        pipe.WriteEnd.Dispose();

        Assert.Equal("from the thread", pipe.ReadEnd.ReadToEnd(Long));
        Assert.True(child.Wait(Long).Success, child.ToString());
    }

    [Fact]
    public void A_ProcessExit_handler_of_a_body_runs_when_the_child_exits()
    {
        using var pipe = Pipes.Pipe.Create();
        using var child = Fork.Run(pipe.WriteEnd, w =>
        {
            AppDomain.CurrentDomain.ProcessExit += (_, _) => w.Write("at exit");
        });
        pipe.WriteEnd.Dispose();

        Assert.Equal("at exit", pipe.ReadEnd.ReadToEnd(Long));
        Assert.True(child.Wait(Long).Success, child.ToString());
    }
}
