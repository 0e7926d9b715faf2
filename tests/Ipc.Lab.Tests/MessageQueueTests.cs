using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.MessageQueues;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>System V and POSIX message queues between real processes: the selection of msgrcv by type, its
/// flags, every wait bounded, errors for removed queues and bad input, nothing left behind.</summary>
public class MessageQueueTests : LeavesNoKernelObjects
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Type_0_receives_what_a_child_sent_in_the_order_it_was_sent()
    {
        using var queue = SysVMessageQueue.Create();
        Assert.Equal("600", KernelObjects.SysVQueueMode(queue.Id));
        Assert.Contains(("msg", queue.Id.ToString()), ObjectRegistry.Held());
        using var child = Fork.Run(queue, q =>
        {
            q.Send(3, "first");
            q.Send(1, "second");
            q.Send(2, "third");
        });
        Assert.Equal(["first", "second", "third"], Enumerable.Range(0, 3).Select(_ => queue.Receive(timeout: Long).Text).ToArray());
        Assert.True(child.Wait(Long).Success, child.ToString());
        var stat = queue.Stat();
        Assert.Equal(0, stat.QNum);
        Assert.Equal(0, stat.CBytes);
        Assert.Equal(16384, stat.QBytes);
    }

    [Fact]
    public void A_positive_type_selects_a_negative_one_takes_the_lowest_type_and_MSG_EXCEPT_any_other()
    {
        using var queue = SysVMessageQueue.Create();
        using var child = Fork.Run(queue, q =>
        {
            q.Send(3, "3a");
            q.Send(1, "1a");
            q.Send(2, "2a");
            q.Send(1, "1b");
        });
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal(4, queue.Stat().QNum);

        var two = queue.Receive(2);
        Assert.Equal((2L, "2a"), (two.Type, two.Text));
        Assert.Equal("1a", queue.Receive(-3).Text);
        Assert.Equal("3a", queue.Receive(1, except: true).Text);
        Assert.Equal("1b", queue.Receive().Text);
        Assert.Throws<ArgumentException>(() => queue.Receive(0, except: true));
    }

    [Fact]
    public void A_message_longer_than_the_buffer_is_E2BIG_and_stays_unless_MSG_NOERROR_cuts_it()
    {
        using var queue = SysVMessageQueue.Create();
        queue.Send(1, new byte[100]);

        var e = Assert.Throws<SyscallException>(() => queue.Receive(maxSize: 10));
        Assert.Equal("msgrcv", e.Call);
        Assert.Equal("E2BIG", e.ErrnoName);
        Assert.Contains("MSG_NOERROR", e.Fix);
        Assert.Equal(1, queue.Stat().QNum);

        var cut = queue.Receive(maxSize: 10, noError: true);
        Assert.Equal(10, cut.Data.Length);
        Assert.Equal(0, queue.Stat().QNum);
    }

    [Fact]
    public void IPC_NOWAIT_fails_with_ENOMSG_on_an_empty_queue_and_EAGAIN_on_a_full_one()
    {
        using var queue = SysVMessageQueue.Create();
        var empty = Assert.Throws<SyscallException>(() => queue.Receive(noWait: true));
        Assert.Equal("ENOMSG", empty.ErrnoName);

        queue.Send(1, new byte[8192]);
        queue.Send(1, new byte[8192]);
        var full = Assert.Throws<SyscallException>(() => queue.Send(1, new byte[8192], noWait: true));
        Assert.Equal("msgsnd", full.Call);
        Assert.Equal("EAGAIN", full.ErrnoName);
        Assert.Contains("full", full.Meaning);

        var waited = Assert.Throws<WaitTimeoutException>(() => queue.Send(7, new byte[8192], timeout: Short));
        Assert.StartsWith($"msgsnd on queue {queue.Id} waited 0.2 s for room for a 8192-byte message of type 7; the queue holds 2 message(s) (16,384 of 16,384 bytes;", waited.Message);
    }

    [Fact]
    public void A_receive_that_nobody_answers_times_out_naming_the_type_and_what_the_queue_holds()
    {
        using var queue = SysVMessageQueue.Create();
        queue.Send(1, "not this one");

        var e = Assert.Throws<WaitTimeoutException>(() => queue.Receive(7, timeout: Short));

        Assert.StartsWith($"msgrcv on queue {queue.Id} waited 0.2 s for a message of type 7; the queue holds 1 message(s), none of that type", e.Message);
        Assert.Contains("last sender: this process", e.Message);
        Assert.Equal(1, queue.Stat().QNum);
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Receive(timeout: TimeSpan.Zero));
    }

    [Theory]
    [InlineData(true)]   // traced: an IPC_NOWAIT try, then the blocking call
    [InlineData(false)]  // untraced: one blocking msgrcv from the start, as C makes it
    public void A_child_waiting_in_receive_gets_EIDRM_when_the_parent_removes_the_queue(bool traced)
    {
        using var queue = SysVMessageQueue.Create();
        using var child = Fork.Run(queue, traced, (q, trace) =>
        {
            Ipc.Lab.Diagnostics.EventTrace.Enabled = trace;
            q.Send(9, "ready");
            try
            {
                q.Receive(5, timeout: TimeSpan.FromSeconds(30));
                Console.WriteLine("received");
            }
            catch (SyscallException e)
            {
                Console.WriteLine($"{e.ErrnoName}: {e.Meaning}");
            }
        });
        Assert.Equal("ready", queue.Receive(9, timeout: Long).Text);
        // The child's next statement is its receive, where it waits for type 5 (which nobody sends): give it time
        // to get there, so that the queue disappears under a waiting receiver rather than before it.
        Thread.Sleep(500);
        queue.Remove();

        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.True(Proc.Eventually(() => child.StandardOutput.Contains("EIDRM"), TimeSpan.FromSeconds(10)), child.StandardOutput);
        Assert.Contains("was removed", child.StandardOutput);
        Assert.False(KernelObjects.SysVQueueExists(queue.Id, queue.Key));
    }

    [Fact]
    public void An_untraced_receive_that_blocks_from_the_start_still_ends_at_its_timeout_and_says_what_it_waited_for()
    {
        using var queue = SysVMessageQueue.Create();
        using var child = Fork.Run(queue, q =>
        {
            Ipc.Lab.Diagnostics.EventTrace.Enabled = false;   // the one-call path: no IPC_NOWAIT try first
            var clock = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                q.Receive(4, timeout: TimeSpan.FromMilliseconds(1500));
                Console.WriteLine("received");
            }
            catch (WaitTimeoutException e)
            {
                Console.WriteLine($"timed out after {(clock.ElapsedMilliseconds >= 1400 ? "the timeout" : "too little")}: {e.Message}");
            }
        });

        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.StartsWith("timed out after the timeout:", child.StandardOutput);
        Assert.Contains("a message of type 4", child.StandardOutput);
    }

    [Fact]
    public void A_bounded_receive_sleeps_inside_msgrcv_and_a_message_wakes_it_at_once()
    {
        using var queue = SysVMessageQueue.Create();
        using var child = Fork.Run(queue, q =>
        {
            q.Send(9, "ready");
            Console.WriteLine($"got: {q.Receive(5, timeout: TimeSpan.FromSeconds(30)).Text}");
        });
        Assert.Equal("ready", queue.Receive(9, timeout: Long).Text);
        // Blocked in the kernel, as a C program is — not retrying in a loop: one of its threads sleeps in do_msgrcv.
        Assert.True(Proc.Eventually(() => Directory.GetDirectories($"/proc/{child.Pid}/task")
            .Any(t => File.ReadAllText(Path.Combine(t, "wchan")).Contains("msgrcv", StringComparison.Ordinal)), TimeSpan.FromSeconds(10)),
            "no thread of the child sleeps in msgrcv");
        queue.Send(5, "wake");
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Contains("got: wake", child.StandardOutput);
    }

    [Fact]
    public void A_type_of_0_or_less_is_refused_before_the_call()
    {
        using var queue = SysVMessageQueue.Create();
        Assert.Contains("1 or more", Assert.Throws<ArgumentOutOfRangeException>(() => queue.Send(0, "x")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => queue.Send(-1, "x"));
        Assert.Equal(0, queue.Stat().QNum);
        Assert.Equal(0, queue.Stat().LastSenderPid);
    }

    [Fact]
    public void A_message_larger_than_msgmax_is_refused_naming_the_limit_and_the_queue_stays_empty()
    {
        using var queue = SysVMessageQueue.Create();
        Assert.Equal(8192, SysVMessageQueue.MsgMax);
        queue.Send(1, new byte[SysVMessageQueue.MsgMax]);   // exactly msgmax is allowed
        var e = Assert.Throws<SyscallException>(() => queue.Send(1, new byte[SysVMessageQueue.MsgMax + 1]));
        Assert.Equal("msgsnd", e.Call);
        Assert.Equal("EINVAL", e.ErrnoName);
        Assert.Contains("8,193 bytes, more than msgmax", e.Message);
        Assert.Equal(1, queue.Stat().QNum);
    }

    [Fact]
    public void A_removed_queue_is_EINVAL_explained_and_disposing_it_afterwards_is_harmless()
    {
        var queue = SysVMessageQueue.Create();
        int id = queue.Id;
        queue.Remove();
        Assert.DoesNotContain(("msg", id.ToString()), ObjectRegistry.Held());

        var send = Assert.Throws<SyscallException>(() => queue.Send(1, "x"));
        Assert.Equal("EINVAL", send.ErrnoName);
        Assert.Contains("no message queue with this id", send.Meaning);
        var open = Assert.Throws<SyscallException>(() => SysVMessageQueue.Open(id));
        Assert.Equal("msgctl(IPC_STAT)", open.Call);
        Assert.Equal("EINVAL", open.ErrnoName);
        queue.Dispose();
        Assert.Throws<ObjectDisposedException>(() => queue.Stat());
    }

    [Fact]
    public void Get_with_an_ftok_key_creates_once_and_then_finds_the_same_queue()
    {
        var file = Path.GetTempFileName();
        try
        {
            int key = SysVMessageQueue.Ftok(file, 'q');
            using var created = SysVMessageQueue.Get(key, SysVMessageQueue.IPC_CREAT | 0b110_000_000);
            using (var found = SysVMessageQueue.Get(key, 0))
            {
                Assert.Equal(created.Id, found.Id);
                found.Send(4, "by key");
            }
            Assert.True(KernelObjects.SysVQueueExists(created.Id, key)); // disposing a found queue does not remove it
            Assert.Equal("by key", created.Receive(4).Text);
            var exclusive = Assert.Throws<SyscallException>(() => SysVMessageQueue.Get(key, SysVMessageQueue.IPC_CREAT | SysVMessageQueue.IPC_EXCL));
            Assert.Equal("EEXIST", exclusive.ErrnoName);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_POSIX_queue_delivers_the_highest_priority_first_and_a_timed_receive_ends()
    {
        using var queue = PosixMessageQueue.Create("prio", maxMessages: 5, messageSize: 64);
        Assert.Equal(new PosixMessageQueueAttributes(5, 64, 0), queue.Attributes());
        using var child = Fork.Run(queue, q =>
        {
            q.Send("low", 1);
            q.Send("high", 5);
            q.Send("middle", 3);
            q.Send("high too", 5);
        });
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal(4, queue.Attributes().CurrentMessages);

        var got = Enumerable.Range(0, 4).Select(_ => queue.Receive(Long)).Select(m => (m.Priority, m.Text)).ToArray();
        Assert.Equal([(5u, "high"), (5u, "high too"), (3u, "middle"), (1u, "low")], got);

        var e = Assert.Throws<WaitTimeoutException>(() => queue.Receive(Short));
        Assert.Contains(queue.Name, e.Message);
        Assert.Contains("none came", e.Message);
        Assert.Contains("0 of 5", e.Message);
    }

    [Fact]
    public void mq_notify_fires_once_when_a_child_sends_to_the_empty_queue_and_poll_sees_the_message()
    {
        using var queue = PosixMessageQueue.Create("notify", maxMessages: 4, messageSize: 64);
        Assert.False(queue.Poll(TimeSpan.FromMilliseconds(50)));
        using var notification = queue.Notify();
        Assert.Equal("EBUSY", Assert.Throws<SyscallException>(() => queue.Notify()).ErrnoName);
        Assert.False(notification.HasFired);

        using var child = Fork.Run(queue, q => q.Send("ping", 2));
        notification.Wait(Long);
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.True(queue.Poll(Short));
        Assert.Equal("ping", queue.Receive(Short).Text);

        // Used up by the notification: a new registration is allowed, and nothing sent means it times out.
        using var again = queue.Notify();
        var e = Assert.Throws<WaitTimeoutException>(() => again.Wait(Short));
        Assert.Contains($"mq_notify on {queue.Name}", e.Message);
        Assert.Contains("EMPTY queue", e.Message);
    }

    [Fact]
    public void POSIX_queue_errors_name_the_limits_the_size_and_the_missing_name()
    {
        using var queue = PosixMessageQueue.Create("small", maxMessages: 1, messageSize: 8);
        var tooLong = Assert.Throws<SyscallException>(() => queue.Send(new byte[9]));
        Assert.Equal("EMSGSIZE", tooLong.ErrnoName);
        Assert.Contains("at most 8 bytes", tooLong.Message);
        queue.Send("x");
        Assert.Contains("stayed full", Assert.Throws<WaitTimeoutException>(() => queue.Send("y", timeout: Short)).Message);

        var tooBig = Assert.Throws<SyscallException>(() => PosixMessageQueue.Create("huge", maxMessages: 100_000));
        Assert.Equal("mq_open(O_CREAT|O_EXCL)", tooBig.Call);
        Assert.Equal("EINVAL", tooBig.ErrnoName);
        Assert.Contains("msg_max", tooBig.Message);

        var missing = Assert.Throws<SyscallException>(() => PosixMessageQueue.Open(KernelNames.Posix("never-made")));
        Assert.Equal("ENOENT", missing.ErrnoName);

        queue.Unlink();
        Assert.Equal("ENOENT", Assert.Throws<SyscallException>(() => PosixMessageQueue.Open(queue.Name)).ErrnoName);
        Assert.Equal("x", queue.Receive(Short).Text); // an unlinked queue lives on while it is open
    }

    [Fact]
    public void A_POSIX_queue_left_in_a_dead_runs_list_is_unlinked_by_the_next_start()
    {
        // The guardian's shell cannot remove a POSIX queue (no /dev/mqueue here): it leaves the line for the
        // next start, which mq_unlinks the name.
        using var queue = PosixMessageQueue.Create("left");
        var list = Path.GetTempFileName();
        try
        {
            File.WriteAllText(list, $"posixmq {queue.Name[1..]}\n");
            var removed = ObjectRegistry.RemoveLeftObjects(list);
            Assert.Equal([$"POSIX message queue {queue.Name}"], removed);
            Assert.Equal("ENOENT", Assert.Throws<SyscallException>(() => PosixMessageQueue.Open(queue.Name)).ErrnoName);
        }
        finally
        {
            File.Delete(list);
        }
    }

    [RootFact]
    public void Another_user_is_refused_a_queue_of_ours_with_EACCES_and_told_why()
    {
        // Root passes every permission check (CAP_IPC_OWNER), so the other side runs as nobody: a real second
        // user against a real 0600 queue, and the library's own words in that process.
        using var queue = SysVMessageQueue.Create();
        using var other = Command.Start(RootFactAttribute.SetPriv, "--reuid=65534", "--regid=65534", "--clear-groups",
            OrphansProgram.Dotnet, OrphansProgram.Dll, "foreign-queue", queue.Key.ToString(), queue.Id.ToString());
        Assert.True(other.Wait(Long).Success, $"{other}: {string.Join(" / ", other.Output.Select(l => l.Text))}");

        var refusals = other.Output.Where(l => !l.IsError).Select(l => l.Text).ToArray();
        Assert.Equal(2, refusals.Length);
        Assert.All(refusals, line =>
        {
            Assert.StartsWith("REFUSED", line);
            Assert.Contains("EACCES", line);
            Assert.Contains("0600", line);
        });
        Assert.Contains("msgget", refusals[0]);
        // Nothing was sent: the queue is as it was.
        Assert.Equal(0, queue.Stat().QNum);
    }
}
