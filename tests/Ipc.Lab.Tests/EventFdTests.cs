using Ipc.Lab.Diagnostics;
using Ipc.Lab.Events;
using Ipc.Lab.Io;
using Ipc.Lab.Processes;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>eventfd(2): a counter that writes add to and reads take, whole or one at a time, a wait bounded while
/// it is 0, poll, and a child that wakes its parent through it.</summary>
public class EventFdTests
{
    [Fact]
    public void Writes_add_up_and_one_read_takes_the_whole_count()
    {
        using var counter = EventFd.Create(initialValue: 2);
        counter.Write(3);
        counter.Write(4);
        Assert.Equal(9UL, counter.Read());
        Assert.Throws<WaitTimeoutException>(() => counter.Read(TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public void With_EFD_SEMAPHORE_each_read_takes_one_until_the_count_is_0()
    {
        using var semaphore = EventFd.Create(semaphore: true);
        semaphore.Write(2);
        Assert.Equal(1UL, semaphore.Read());
        Assert.Equal(1UL, semaphore.Read());
        var e = Assert.Throws<WaitTimeoutException>(() => semaphore.Read(TimeSpan.FromMilliseconds(200)));
        Assert.Contains("eventfd (EFD_SEMAPHORE)", e.Message);
    }

    [Fact]
    public void Poll_sees_it_readable_only_once_the_count_is_above_0()
    {
        using var counter = EventFd.Create();
        Assert.False(Polling.Poll(TimeSpan.FromMilliseconds(50), new PollFd(counter, PollEvents.POLLIN))[0].Ready);
        counter.Write(1);
        Assert.True(Polling.Poll(TimeSpan.FromMilliseconds(500), new PollFd(counter, PollEvents.POLLIN))[0].Ready);
    }

    [Fact]
    public void A_child_given_the_eventfd_wakes_the_parent_with_its_count()
    {
        using var counter = EventFd.Create();
        using var child = Fork.Run(counter, c => c.Write(42), name: "waker");
        Assert.Equal(42UL, counter.Read(TimeSpan.FromSeconds(30)));
        Assert.True(child.Wait(TimeSpan.FromSeconds(30)).Success, child.ToString());
    }
}
