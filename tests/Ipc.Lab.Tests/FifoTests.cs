using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Named pipes: a path in the file system is all another process needs.</summary>
public class FifoTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_child_given_only_the_path_writes_through_the_fifo_to_the_parent()
    {
        using var fifo = Fifo.Create("talk");
        using var child = Fork.Run(fifo.Path, path =>
        {
            using var w = Fifo.OpenWrite(path);
            w.Write("through the fifo");
        }, name: "fifo-writer");

        using var reader = fifo.OpenRead();
        var text = reader.ReadToEnd(Long);

        Assert.Equal("through the fifo", text);
        Assert.True(child.Wait(Long).Success);
        Assert.Equal("FIFO read end", reader.Description);
    }

    /// <summary>Linux's read(2) of a FIFO returns end of file at once while no writer has opened it; a reader that
    /// opened first (Fifo.OpenRead does not wait) would take that for the writer's end. The comparison's FIFO child
    /// did, when it read before the notebook's write open came round.</summary>
    [Fact]
    public void A_read_of_a_fifo_no_writer_has_opened_yet_waits_for_one_instead_of_seeing_end_of_file()
    {
        using var fifo = Fifo.Create("early-reader");
        using var reader = fifo.OpenRead();

        var e = Assert.Throws<WaitTimeoutException>(() => reader.Read(8, TimeSpan.FromSeconds(1)));
        Assert.Contains("a writer to open the FIFO", e.Message);
    }

    /// <summary>The same for a read end handed to a child: its copy shares the open file, and no writer has come.
    /// The child turns the trace off, as a measuring child does, so that its read is one blocking read(2).</summary>
    [Fact]
    public void A_child_given_a_fifo_read_end_no_writer_has_opened_waits_for_one_too()
    {
        using var fifo = Fifo.Create("early-reader-child");
        using var reader = fifo.OpenRead();

        using var child = Fork.Run(reader, r =>
        {
            EventTrace.Enabled = false;
            Console.WriteLine(r.Description);
            var got = r.Read(8, TimeSpan.FromSeconds(1));
            Console.WriteLine(got.Length == 0 ? "end of file" : "data");
        }, name: "early-fifo-reader");

        var status = child.Wait(Long);
        Assert.DoesNotContain("end of file", child.StandardOutput);
        Assert.Equal(1, status.ExitCode());
        Assert.Equal("FIFO read end", child.StandardOutput);
        Assert.Contains(child.Output, l => l.IsError && l.Text.Contains("a writer to open the FIFO"));
    }

    [Fact]
    public void A_fifo_whose_writer_opened_and_closed_without_writing_reads_end_of_file()
    {
        using var fifo = Fifo.Create("silent-writer");
        using var reader = fifo.OpenRead();
        fifo.OpenWrite(Long).Dispose();

        Assert.Empty(reader.Read(8, Long));
    }

    [Fact]
    public void The_fifo_is_a_mode_0600_named_pipe_in_the_private_run_directory_and_is_gone_after_Dispose()
    {
        string path;
        using (var fifo = Fifo.Create("mode"))
        {
            path = fifo.Path;
            Assert.Equal(RunDirectory.Path, Path.GetDirectoryName(path));
            Assert.EndsWith("-mode", Path.GetFileName(path));
            Assert.Equal("fifo", FileType(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(RunDirectory.Path));
        }

        Assert.False(File.Exists(path));
        Assert.Null(FileType(path));
    }

    [Fact]
    public void A_non_blocking_open_for_writing_is_ENXIO_without_a_reader_and_succeeds_with_one()
    {
        using var fifo = Fifo.Create("nonblocking");

        var e = Assert.Throws<SyscallException>(() => fifo.OpenWriteNonBlocking());
        Assert.Equal("ENXIO", e.ErrnoName);

        using var reader = fifo.OpenRead();
        using var writer = fifo.OpenWriteNonBlocking();
        Assert.True(writer.NonBlocking);
        writer.Write("now");
        Assert.Equal("now", reader.ReadString(16));
    }

    [Fact]
    public void Opening_for_writing_with_no_reader_times_out_with_a_message_naming_the_fifo()
    {
        using var fifo = Fifo.Create("lonely");

        var e = Assert.Throws<WaitTimeoutException>(() => fifo.OpenWrite(TimeSpan.FromMilliseconds(300)));

        Assert.Contains(fifo.Path, e.Message);
        Assert.Contains("waited 0.3 s for a reader", e.Message);
    }

    [Fact]
    public void Creating_a_fifo_whose_name_exists_is_EEXIST_explained()
    {
        using var fifo = Fifo.Create("twice");

        var e = Assert.Throws<SyscallException>(() => Fifo.Create("twice"));

        Assert.Equal("mkfifo", e.Call);
        Assert.Equal("EEXIST", e.ErrnoName);
        Assert.Contains("already exists", e.Meaning);
        Assert.Contains(fifo.Path, e.Message);
    }

    [Fact]
    public void A_fifo_object_given_to_Fork_Run_is_refused_with_the_advice_to_pass_its_path()
    {
        using var fifo = Fifo.Create("object");

        var e = Assert.Throws<ArgumentException>(() => Fork.Run(fifo, f => Console.WriteLine(f.Path)));

        Assert.Contains("Pass its path", e.Message);
        Assert.Contains("fifo.Path", e.Message);
    }

    [Fact]
    public void Opening_a_fifo_that_does_not_exist_is_ENOENT_naming_the_path()
    {
        string path;
        using (var fifo = Fifo.Create("removed")) path = fifo.Path;

        var e = Assert.Throws<SyscallException>(() => Fifo.OpenRead(path));

        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Contains(path, e.Message);
        Assert.Contains("removed already", e.Fix);
    }

    [Fact]
    public void A_name_with_a_slash_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Fifo.Create("../escape"));
        Assert.Throws<ArgumentException>(() => Fifo.Create(" "));
    }

    /// <summary>What stat(1) says the file is ("fifo"), or null when it does not exist. Asked of a real
    /// program, so that the test does not trust the library's own view of the file.</summary>
    private static string? FileType(string path)
    {
        using var stat = Command.Start("stat", "-c", "%F", path);
        var status = stat.Wait(Long);
        return status.Success ? stat.StandardOutput : null;
    }
}
