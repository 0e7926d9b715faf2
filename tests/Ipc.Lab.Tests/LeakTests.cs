using Ipc.Lab.Io;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Nothing of ours is left after a batch of work: no descriptor, no run-directory entry.</summary>
public class LeakTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void After_pipes_children_pipelines_and_fifos_are_disposed_the_descriptor_count_is_back_where_it_was()
    {
        Batch(); // first use starts the library's long-lived helpers (spawner, relay, guardian, compiler)
        Assert.True(Proc.Eventually(() => ChildRegistry.Running().All(c => c.Name == "compiler"), Long));
        ChildPool.Drain(); // the pre-started child host holds three descriptors of ours while it waits
        int before = Proc.OpenDescriptorCount();
        var targetsBefore = Proc.OpenDescriptorTargets();

        for (int i = 0; i < 3; i++) Batch();
        ChildPool.Drain();

        // The relay closes a child's output pipes when it reads their end of file, on its own thread.
        Assert.True(Proc.Eventually(() => Proc.OpenDescriptorCount() == before, TimeSpan.FromSeconds(10)),
            $"{Proc.OpenDescriptorCount()} descriptors open, {before} before; gained: {string.Join(", ", Gained(targetsBefore, Proc.OpenDescriptorTargets()))}");
    }

    [Fact]
    public void No_entry_of_this_process_is_left_in_the_run_directory()
    {
        // Entries that live as long as the process by design (C programs compiled by CProgram, kept because one
        // may still run) may be here from other tests: what the batch adds must be gone after it.
        var before = Entries();
        Batch();

        Assert.Empty(Entries().Except(before));

        static string[] Entries() => Directory.GetFileSystemEntries(RunDirectory.Path, $"{Environment.ProcessId}-*");
    }

    [Fact]
    public void A_pipe_whose_capacity_is_refused_is_closed_again()
    {
        Pipe.Create().Dispose();
        var before = Proc.OpenDescriptorTargets();

        for (int i = 0; i < 20; i++) Assert.Throws<ArgumentOutOfRangeException>(() => Pipe.Create(capacity: -1));

        // Compared as "nothing new is open", not as a count: the library's own threads may meanwhile close
        // descriptors of children that earlier tests started (their pidfds, their output pipes at end of file).
        Assert.Empty(Gained(before, Proc.OpenDescriptorTargets()));
    }

    [Theory]
    [InlineData("no-such-program-xyz | cat")]
    [InlineData("sleep 30 | no-such-program-xyz")]
    [InlineData("sleep 30 | no-such-program-xyz | cat")]
    public void A_pipeline_that_fails_to_start_closes_every_pipe_it_made(string commandLine)
    {
        Shell.Run("true", Long); // the helpers (spawner, relay, guardian) are started
        int before = Proc.OpenDescriptorCount();
        var targetsBefore = Proc.OpenDescriptorTargets();

        for (int i = 0; i < 5; i++) Assert.Throws<FileNotFoundException>(() => Shell.Start(commandLine));

        // Stages that did start were killed and reaped, and the relay closes their output pipes at end of file.
        Assert.True(Proc.Eventually(() => Proc.OpenDescriptorCount() == before, TimeSpan.FromSeconds(10)),
            $"{Proc.OpenDescriptorCount()} descriptors open, {before} before; gained: {string.Join(", ", Gained(targetsBefore, Proc.OpenDescriptorTargets()))}");
    }

    private static IEnumerable<string> Gained(List<string> before, List<string> after)
    {
        var left = new List<string>(before);
        foreach (var t in after)
            if (!left.Remove(t)) yield return t;
    }

    private static void Batch()
    {
        for (int i = 0; i < 10; i++)
        {
            using var p = Pipe.Create();
            p.WriteEnd.Write("x");
            p.ReadEnd.Read(1);
        }

        using (var pipe = Pipe.Create())
        using (var child = Fork.Run(pipe, p => p.WriteEnd.Write("from the child")))
        {
            pipe.WriteEnd.Close();
            Assert.Equal("from the child", pipe.ReadEnd.ReadToEnd(Long));
            child.Wait(Long);
        }
        using (var sleeper = Fork.Run(() => Thread.Sleep(Timeout.Infinite), name: "sleeper")) { }

        Assert.Equal("x", Shell.Run("echo x | cat", Long).Output);
        using (var sleep = Command.Start("sleep", "60")) { }

        using (var fifo = Fifo.Create("leak"))
        using (var r = fifo.OpenRead())
        using (var w = fifo.OpenWrite())
        {
            w.Write("y");
            Assert.Equal("y", r.ReadString(4));
        }
    }
}
