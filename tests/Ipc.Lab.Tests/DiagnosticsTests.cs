using Ipc.Lab.Diagnostics;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>The event trace (this process's and its children's events on one clock) and Activity (what a
/// blocked call waits for, as a runner that has to stop a cell reports it).</summary>
public class DiagnosticsTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_childs_events_reach_the_parents_trace_under_the_childs_name()
    {
        using var pipe = Pipe.Create();
        long mark = EventTrace.Mark();
        using var child = Fork.Run(pipe.WriteEnd, w => w.Write("traced"), name: "tracer");
        pipe.WriteEnd.Close();
        Assert.Equal("traced", pipe.ReadEnd.ReadToEnd(Long));
        child.Wait(Long);

        var events = EventTrace.Since(mark);

        Assert.Contains(events, e => e.Process == "tracer" && e.Pid == child.Pid && e.Kind == TraceKind.Spawned);
        Assert.Contains(events, e => e.Process == "tracer" && e.Pid == child.Pid && e.Kind == TraceKind.Started);
        Assert.Contains(events, e => e.Process == "tracer" && e.Pid == child.Pid && e.Kind == TraceKind.Wrote && e.Bytes == 6);
        Assert.Contains(events, e => e.Process == "tracer" && e.Kind == TraceKind.Exited);
        Assert.Contains(events, e => e.Process == "parent" && e.Kind == TraceKind.Read && e.Bytes == 6);
        // One clock for all processes: the child had started before the parent's read returned what it wrote.
        // (Not "wrote before read": an event is stamped when its call has returned, and the reader's read may
        // return before the writer's write does.)
        var started = events.First(e => e.Process == "tracer" && e.Kind == TraceKind.Started);
        var read = events.First(e => e.Process == "parent" && e.Kind == TraceKind.Read && e.Bytes == 6);
        Assert.True(started.TimestampNs < read.TimestampNs);
        Assert.Equal(events.OrderBy(e => e.TimestampNs), events);
    }

    [Fact]
    public void With_the_trace_disabled_nothing_is_recorded_not_even_by_children()
    {
        using var pipe = Pipe.Create();
        EventTrace.Enabled = false;
        long mark = EventTrace.Mark();
        try
        {
            using var child = Fork.Run(pipe.WriteEnd, w => w.Write("traced"), name: "untraced");
            pipe.WriteEnd.Write("x");
            pipe.ReadEnd.ReadExactly(7, Long);
            child.Wait(Long);
        }
        finally
        {
            EventTrace.Enabled = true;
        }

        Assert.DoesNotContain(EventTrace.Since(mark), e => e.Kind is TraceKind.Wrote or TraceKind.Read);
    }

    [Fact]
    public void Activity_says_what_a_blocked_read_waits_for_while_it_waits()
    {
        using var pipe = Pipe.Create();
        string? got = null;
        var reader = new Thread(() => got = pipe.ReadEnd.ReadString(16, Long));
        reader.Start();
        try
        {
            Assert.True(Proc.Eventually(() => Activity.Describe().Contains("read on pipe read end"), Long), Activity.Describe());
            Assert.Contains("waiting for data to arrive", Activity.Describe());
        }
        finally
        {
            pipe.WriteEnd.Write("wake up");
        }

        Assert.True(reader.Join(Long));
        Assert.Equal("wake up", got);
        Assert.Equal("not inside any Ipc.Lab call", Activity.Describe());
    }

    [Fact]
    public void A_child_gets_the_parents_default_timeout()
    {
        var saved = Lab.DefaultTimeout;
        Lab.DefaultTimeout = TimeSpan.FromMilliseconds(1234);
        try
        {
            using var child = Fork.Run(() => Console.WriteLine(Lab.DefaultTimeout.TotalMilliseconds));
            Assert.True(child.Wait(Long).Success);
            Assert.Equal("1234", child.StandardOutput);
        }
        finally
        {
            Lab.DefaultTimeout = saved;
        }
    }
}
