using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>System V semaphore sets and POSIX named semaphores between real processes: DOWN and UP, every wait
/// bounded, SEM_UNDO after a kill, errors for removed objects and bad input, nothing left behind.</summary>
public class SemaphoreTests : LeavesNoKernelObjects
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(200);

    [Fact]
    public void Down_takes_one_up_gives_one_back_and_a_down_at_zero_would_block()
    {
        using var set = SysVSemaphoreSet.Create([2, 0], ["slots", "items"]);
        Assert.Equal("slots=2, items=0", set.Describe());
        set.Down(0);
        set.Down(0);
        Assert.False(set.TryDown(0));
        set.Up(0);
        Assert.Equal(1, set[0]);
        set.Up(1, count: 3);
        Assert.Equal(3, set[1]);
        Assert.Equal("600", KernelObjects.SysVMode(shm: false, set.Id));
    }

    [Fact]
    public void Sem_otime_stays_0_through_semget_and_SETVAL_and_is_set_by_the_first_semop()
    {
        using var set = SysVSemaphoreSet.Create([1], ["lock"]);
        Assert.Null(set.SemOTime);
        set.SetValue(0, 2);
        Assert.Null(set.SemOTime);

        set.Down();
        var otime = set.SemOTime;
        Assert.NotNull(otime);
        Assert.InRange(otime!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(5));
    }

    [Fact]
    public void A_semop_of_several_operations_changes_nothing_while_one_of_them_would_wait_and_all_at_once_when_it_can()
    {
        using var set = SysVSemaphoreSet.Create([1, 0], ["A", "B"]);

        var e = Assert.Throws<WaitTimeoutException>(() => set.SemOp([(0, -1), (1, -1)], Short));
        Assert.Contains("'A' -1, 'B' -1", e.Message);
        Assert.Equal("A=1, B=0", set.Describe());   // A was not taken while B could not be

        using var child = Fork.Run(set, s => { Thread.Sleep(100); s.Up(1); }, name: "gives B");
        set.SemOp([(0, -1), (1, -1)], Long);
        Assert.Equal("A=0, B=0", set.Describe());
        Assert.True(child.Wait(Long).Success);

        set.SemOp([(0, 2), (1, 1)]);
        Assert.Equal("A=2, B=1", set.Describe());
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SemOp([(2, -1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => set.SemOp([(0, 0)]));
        Assert.Throws<ArgumentException>(() => set.SemOp([]));
    }

    [Fact]
    public void A_down_that_nobody_answers_ends_with_an_error_naming_the_semaphore_and_its_last_changer()
    {
        using var set = SysVSemaphoreSet.Create([1, 0], ["fork", "knife"]);
        set.Down(0);

        var e = Assert.Throws<WaitTimeoutException>(() => set.Down(0, Short));

        Assert.Contains("'fork'", e.Message);
        Assert.Contains("value stayed 0", e.Message);
        Assert.Contains("the last process to change it was this one", e.Message);
        Assert.Contains("fork=0, knife=0", e.Message);
        Assert.Equal(0, set[0]); // the failed DOWN took nothing
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Down(0, TimeSpan.Zero));
    }

    [Fact]
    public void Two_processes_take_turns_through_two_semaphores()
    {
        using var set = SysVSemaphoreSet.Create([0, 0], ["ping", "pong"]);
        using var child = Fork.Run(set, s =>
        {
            for (int i = 0; i < 100; i++)
            {
                s.Down(0, TimeSpan.FromSeconds(30));
                s.Up(1);
            }
        });
        for (int i = 0; i < 100; i++)
        {
            set.Up(0);
            set.Down(1, Long);
        }
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal("ping=0, pong=0", set.Describe());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_holder_killed_with_SIGKILL_gives_the_semaphore_back_only_with_SEM_UNDO(bool undo)
    {
        using var set = SysVSemaphoreSet.Create([1, 0], ["lock", "held"]);
        using var holder = Fork.Run(set, undo, (s, u) =>
        {
            s.Down(0, undo: u);
            s.Up(1);
            Thread.Sleep(Timeout.Infinite);
        });
        set.Down(1, Long); // the holder has the lock now
        Assert.Equal(0, set[0]);

        holder.Kill(Signals.Signal.SIGKILL);
        Assert.Equal(Signals.Signal.SIGKILL, holder.Wait(Long).KilledBy());

        if (undo)
        {
            set.Down(0, Long); // the kernel undid the holder's DOWN when it died
        }
        else
        {
            Assert.Equal(0, set[0]);
            var e = Assert.Throws<WaitTimeoutException>(() => set.Down(0, Short));
            Assert.Contains("'lock'", e.Message);
        }
    }

    [Fact]
    public void Removing_a_set_while_a_child_waits_on_it_fails_that_wait_with_an_explanation()
    {
        var set = SysVSemaphoreSet.Create(0, "never");
        using var child = Fork.Run(set, s => s.Down(0, TimeSpan.FromSeconds(30)));
        Assert.True(Proc.Eventually(() => set.Waiting(0) == 1, Long), "the child did not start waiting");
        int id = set.Id;

        set.Dispose();

        Assert.False(child.Wait(Long).Success);
        Assert.Contains("was removed", child.Failure?.Message);
        Assert.DoesNotContain(KernelObjects.SysV(shm: false), o => o.Id == id.ToString());
    }

    [Fact]
    public void A_removed_or_unknown_set_and_bad_arguments_are_refused()
    {
        var set = SysVSemaphoreSet.Create(1);
        int id = set.Id, key = set.Key;
        set.Dispose();
        Assert.False(KernelObjects.SysVExists(shm: false, id, key));
        Assert.Throws<ObjectDisposedException>(() => set.Up());
        var e = Assert.Throws<SyscallException>(() => SysVSemaphoreSet.Open(id));
        Assert.Contains($"no semaphore set with id {id}", e.Message);

        Assert.Throws<ArgumentOutOfRangeException>(() => SysVSemaphoreSet.Create([]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SysVSemaphoreSet.Create([-1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SysVSemaphoreSet.Create([40_000]));
        Assert.Throws<ArgumentException>(() => SysVSemaphoreSet.Create([1, 1], ["only one label"]));
        using var two = SysVSemaphoreSet.Create([1, 1]);
        Assert.Contains("indexes 0..1", Assert.Throws<ArgumentOutOfRangeException>(() => two.Down(2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => two.Up(0, count: 0));
    }

    [Fact]
    public void A_posix_named_semaphore_is_posted_by_a_process_that_opened_it_by_name()
    {
        string entry;
        using (var sem = PosixSemaphore.Create("turn", 0))
        {
            entry = "/dev/shm/sem." + sem.Name[1..];
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
            var e = Assert.Throws<WaitTimeoutException>(() => sem.Down(Short));
            Assert.Contains(sem.Name, e.Message);

            using var child = Fork.Run(sem.Name, n =>
            {
                using var s = PosixSemaphore.Open(n);
                s.Up();
                s.Up();
            });
            Assert.True(child.Wait(Long).Success, child.ToString());
            sem.Down(Long);
            Assert.Equal(1, sem.Value);
        }
        Assert.False(File.Exists(entry), $"{entry} was left");
    }

    [Fact]
    public void A_posix_semaphore_given_to_a_child_is_the_same_semaphore()
    {
        using var sem = PosixSemaphore.Create("given", 0);
        using var child = Fork.Run(sem, s => s.Up());
        sem.Down(Long);
        Assert.True(child.Wait(Long).Success, child.ToString());
        Assert.Equal(0, sem.Value);
    }

    [Fact]
    public void A_wrong_posix_name_is_ENOENT_and_a_taken_one_EEXIST()
    {
        var missing = Assert.Throws<SyscallException>(() => PosixSemaphore.Open(KernelNames.Posix("nobody-made-this")));
        Assert.Equal(Errno.ENOENT, missing.Errno);
        Assert.Contains("no POSIX semaphore has that name", missing.Message);
        using var sem = PosixSemaphore.Create("taken", 1);
        Assert.Equal(Errno.EEXIST, Assert.Throws<SyscallException>(() => PosixSemaphore.Create("taken", 1)).Errno);
        Assert.Throws<ArgumentOutOfRangeException>(() => PosixSemaphore.Create("negative", -1));
    }
}
