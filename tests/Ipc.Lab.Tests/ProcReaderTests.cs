using Ipc.Lab.Native;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Native's readers of /proc, on lines as the kernel prints them and on this process.</summary>
public class ProcReaderTests
{
    [Fact]
    public void A_stat_line_is_read_even_when_the_command_name_has_spaces_and_parentheses()
    {
        // A process may name itself anything (prctl PR_SET_NAME): ") S 1 2" inside the name must not shift a field.
        var stat = ProcStat.Parse("4242 (a) S 1 2 (x)) T 17 4242 4240 0 -1 4194560 0 0 0 0\n");

        Assert.Equal(new ProcStat(4242, "a) S 1 2 (x)", 'T', 17, 4242, 4240), stat);
    }

    [Fact]
    public void This_process_and_its_threads_are_read_from_proc()
    {
        var self = ProcStat.Of(Environment.ProcessId);

        Assert.NotNull(self);
        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.True(self.ParentPid > 0);
        var threads = ProcStat.ThreadsOf(Environment.ProcessId);
        Assert.NotNull(threads);
        Assert.True(threads.Count > 1, "a .NET process always has several threads");
        Assert.Contains(threads, t => t.Pid == Environment.ProcessId);
        // The process's own line shows its main thread; this thread, reading, is the one sure to be running.
        Assert.Equal('R', Assert.Single(threads, t => t.Pid == SignalCalls.gettid()).State);
    }

    [Fact]
    public void A_process_that_does_not_exist_is_null()
    {
        int absent = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim()) + 1;

        Assert.Null(ProcStat.Of(absent));
        Assert.Null(ProcStat.ThreadsOf(absent));
    }

    [Fact]
    public void Status_masks_are_hexadecimal_bit_sets_and_a_missing_line_is_empty()
    {
        string[] lines = ["Name:\tcat", "SigPnd:\t0000000000000000", "ShdPnd:\t0000000000000100", "SigBlk:\t0000000000010000",
            "SigIgn:\t0000000000001000", "SigCgt:\t0000000180000002", "CapEff:\t0000000001000000"];

        var status = ProcStatus.Parse(lines);

        Assert.Equal(new ProcStatus(0, 1UL << 8, 1UL << 16, 1UL << 12, 0x180000002, 1UL << 24), status);
        Assert.Equal(0UL, ProcStatus.Parse(["Name:\tcat"]).Blocked);
    }

    [Fact]
    public void A_pipes_descriptors_show_their_link_and_their_access_mode()
    {
        using var pipe = Ipc.Lab.Pipes.Pipe.Create();
        int self = Environment.ProcessId;

        Assert.Contains(pipe.WriteEnd.Fd, ProcDescriptors.Of(self)!);
        Assert.StartsWith("pipe:[", ProcDescriptors.Target(self, pipe.WriteEnd.Fd));
        Assert.Equal(ProcDescriptors.Target(self, pipe.ReadEnd.Fd), ProcDescriptors.Target(self, pipe.WriteEnd.Fd));
        Assert.Equal(1, ProcDescriptors.Flags(self, pipe.WriteEnd.Fd) & 3); // O_WRONLY
        Assert.Equal(0, ProcDescriptors.Flags(self, pipe.ReadEnd.Fd) & 3); // O_RDONLY
        Assert.Null(ProcDescriptors.Target(self, 1 << 30));
    }

    [Fact]
    public void Sysvipc_columns_are_found_by_their_header_names()
    {
        // The kernel's own layout, and the same columns in another order: the rows must not change.
        string[] shm =
        [
            "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap",
            "-559038737      32769  1600                  4096  1234  1235      2  1000  1000  1000  1000 1796195814 1796195814 1796195814                  4096                     0",
        ];
        string[] reordered =
        [
            "perms   uid      shmid nattch  size       key  cpid",
            " 1600  1000      32769      2  4096 -559038737  1234",
        ];
        var expected = new SharedMemorySegmentRow(Key: -559038737, Id: 32769, Mode: Convert.ToInt32("1600", 8), Size: 4096, CreatorPid: 1234, Attached: 2, Uid: 1000);

        Assert.Equal([expected], SysVIpcTable.ParseSharedMemory(shm));
        Assert.Equal([expected], SysVIpcTable.ParseSharedMemory(reordered));
    }

    [Fact]
    public void Sysvipc_semaphore_sets_and_message_queues_are_typed_rows()
    {
        string[] sem =
        [
            "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime",
            "1275236127     163858   600          2  1000  1000  1000  1000 1796195814 1796195814",
        ];
        string[] msg =
        [
            "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime",
            "         7          3   644         120          2   10    11  1000  1000  1000  1000          0          0 1796195814",
        ];

        Assert.Equal([new SemaphoreSetRow(1275236127, 163858, Convert.ToInt32("600", 8), 2, 1000, 1796195814)], SysVIpcTable.ParseSemaphoreSets(sem));
        Assert.Equal([new MessageQueueRow(7, 3, Convert.ToInt32("644", 8), 120, 2, 1000)], SysVIpcTable.ParseMessageQueues(msg));
    }

    [Fact]
    public void The_kernels_sysvipc_files_are_readable_on_this_machine()
    {
        // Whatever objects exist, every line of the real files parses with the column names this kernel prints.
        _ = SysVIpcTable.SharedMemory();
        _ = SysVIpcTable.SemaphoreSets();
        _ = SysVIpcTable.MessageQueues();
    }
}
