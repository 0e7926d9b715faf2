using Ipc.Lab.Diagnostics;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Kernel objects given to Fork.Run arrive in the child as the same open files, as after fork().</summary>
public class DescriptorPassingTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_child_given_a_whole_pipe_holds_both_ends_and_what_it_writes_arrives_in_the_parent()
    {
        using var pipe = Pipe.Create();
        using var child = Fork.Run(pipe, p =>
        {
            Console.WriteLine($"{p.ReadEnd.Description}|{p.WriteEnd.Description}");
            p.ReadEnd.Close();
            p.WriteEnd.Write("written by the child");
        }, name: "writer");
        pipe.WriteEnd.Close(); // the parent's copy: without this the parent would never see end of file

        var text = pipe.ReadEnd.ReadToEnd(Long);

        Assert.Equal("written by the child", text);
        Assert.True(child.Wait(Long).Success);
        Assert.Equal("pipe read end|pipe write end", child.StandardOutput);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Descriptors_arrive_whether_the_child_host_was_started_ahead_or_is_spawned_for_the_job(bool warm)
    {
        var saved = Fork.KeepWarmChild;
        Fork.KeepWarmChild = warm;
        try
        {
            if (warm)
            {
                // A host is started in the background; wait until it is ready to take a job.
                ChildPool.Replenish();
                var ready = typeof(ChildPool).GetField("_ready", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;
                Assert.True(Infrastructure.Proc.Eventually(() => ready.GetValue(null) is not null, Long), "no pre-started child host became ready");
            }
            using var up = Pipe.Create();
            using var down = Pipe.Create();
            using var child = Fork.Run(down.ReadEnd, up.WriteEnd, (r, w) => w.Write("echo: " + r.ReadString(64)), name: "echo");
            down.ReadEnd.Close();
            up.WriteEnd.Close();

            down.WriteEnd.Write("hello");
            Assert.Equal("echo: hello", up.ReadEnd.ReadToEnd(Long));
            Assert.True(child.Wait(Long).Success);
            Assert.Equal(warm ? "C# body (pre-started child host)" : "C# body", child.Command);
        }
        finally
        {
            Fork.KeepWarmChild = saved;
        }
    }

    [Fact]
    public void A_child_given_only_the_read_end_reads_what_the_parent_writes()
    {
        using var pipe = Pipe.Create();
        using var child = Fork.Run(pipe.ReadEnd, r => Console.WriteLine("child read: " + r.ReadToEnd()), name: "reader");
        pipe.ReadEnd.Close();

        pipe.WriteEnd.Write("ping from the parent");
        pipe.WriteEnd.Close();

        Assert.True(child.Wait(Long).Success);
        Assert.Equal("child read: ping from the parent", child.StandardOutput);
    }

    [Fact]
    public void More_than_a_pipes_capacity_flows_to_a_child_reader()
    {
        const int size = 300_000;
        using var pipe = Pipe.Create();
        using var child = Fork.Run(pipe.ReadEnd, r =>
        {
            var text = r.ReadToEnd();
            Console.WriteLine($"{text.Length} {text.All(c => c == 'z')}");
        }, name: "sink");
        pipe.ReadEnd.Close();

        Assert.Equal(size, pipe.WriteEnd.Write(new string('z', size), Long));
        pipe.WriteEnd.Close();

        Assert.True(child.Wait(Long).Success);
        Assert.Equal($"{size} True", child.StandardOutput);
    }

    [Fact]
    public void The_reader_sees_end_of_file_only_once_the_child_holding_a_write_end_has_exited()
    {
        using var data = Pipe.Create();
        using var go = Pipe.Create();
        using var child = Fork.Run(data.WriteEnd, go.ReadEnd, (w, g) =>
        {
            w.Write("first");
            g.ReadExactly(2); // waits for the parent's "go"; holds the write end until then
        }, name: "holder");
        data.WriteEnd.Close();
        go.ReadEnd.Close();

        Assert.Equal("first", System.Text.Encoding.UTF8.GetString(data.ReadEnd.ReadExactly(5, Long)));
        // The child provably still holds its write end: it cannot pass ReadExactly before we write "go".
        var e = Assert.Throws<WaitTimeoutException>(() => data.ReadEnd.Read(16, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("No end of file either", e.Message);
        Assert.Contains("('holder')", e.Message);
        Assert.DoesNotContain("this process", e.Message);

        go.WriteEnd.Write("go");
        var eof = data.ReadEnd.Read(16, Long);

        Assert.Empty(eof);
        Assert.True(child.Wait(Long).Success);
    }
}
