using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>poll(2) over pipe ends, and O_NONBLOCK's EAGAIN: what notebook 01 shows live.</summary>
public class PollTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Poll_reports_nothing_ready_after_its_timeout_and_then_the_read_end_a_write_made_readable()
    {
        using var quiet = Pipe.Create();
        using var loud = Pipe.Create();

        var none = Polling.Poll(TimeSpan.FromMilliseconds(50), new PollFd(quiet.ReadEnd, PollEvents.POLLIN), new PollFd(loud.ReadEnd, PollEvents.POLLIN));
        Assert.All(none, f => Assert.False(f.Ready));

        loud.WriteEnd.Write("x");
        var some = Polling.Poll(Long, new PollFd(quiet.ReadEnd, PollEvents.POLLIN), new PollFd(loud.ReadEnd, PollEvents.POLLIN));
        Assert.False(some[0].Ready);
        Assert.Equal(PollEvents.POLLIN, some[1].Revents);
        Assert.Same(loud.ReadEnd, some[1].Descriptor);
    }

    [Fact]
    public void A_read_end_whose_writers_all_closed_reports_POLLHUP_unasked_and_a_full_write_end_is_not_writable()
    {
        using var pipe = Pipe.Create(capacity: 4096);
        pipe.WriteEnd.Write(new byte[4096]);
        Assert.False(Polling.Poll(TimeSpan.FromMilliseconds(20), new PollFd(pipe.WriteEnd, PollEvents.POLLOUT)).Single().Ready);

        pipe.ReadEnd.Read(4096);
        Assert.Equal(PollEvents.POLLOUT, Polling.Poll(Long, new PollFd(pipe.WriteEnd, PollEvents.POLLOUT)).Single().Revents);

        pipe.WriteEnd.Close();
        Assert.Equal(PollEvents.POLLHUP, Polling.Poll(Long, new PollFd(pipe.ReadEnd, PollEvents.POLLIN)).Single().Revents);
    }

    [Fact]
    public void Poll_wakes_when_a_child_writes()
    {
        using var pipe = Pipe.Create();
        using var child = Fork.Run(pipe.WriteEnd, w => { Thread.Sleep(100); w.Write("late"); }, name: "late writer");
        pipe.WriteEnd.Close();

        var ready = Polling.Poll(Long, new PollFd(pipe.ReadEnd, PollEvents.POLLIN)).Single();

        Assert.True(ready.Revents.HasFlag(PollEvents.POLLIN));
        Assert.Equal("late", pipe.ReadEnd.ReadToEnd(Long));
        Assert.True(child.Wait(Long).Success);
    }

    [Fact]
    public void A_non_blocking_read_of_an_empty_pipe_is_EAGAIN_not_a_wait()
    {
        using var pipe = Pipe.Create();
        pipe.ReadEnd.NonBlocking = true;

        var e = Assert.Throws<SyscallException>(() => pipe.ReadEnd.Read(16, Long));

        Assert.Equal("EAGAIN", e.ErrnoName);
    }

    [Fact]
    public void Poll_refuses_an_empty_set_and_a_timeout_that_is_not_positive()
    {
        using var pipe = Pipe.Create();
        Assert.Throws<ArgumentException>(() => Polling.Poll(Long));
        Assert.Throws<ArgumentOutOfRangeException>(() => Polling.Poll(TimeSpan.Zero, new PollFd(pipe.ReadEnd, PollEvents.POLLIN)));
    }
}
