using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Ipc.Lab.Signals;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Pipelines of real programs, connected the way a shell connects them.</summary>
public class ShellTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_lectures_password_pipeline_prints_20_alphanumeric_characters()
    {
        var result = Shell.Run("head /dev/urandom | tr -dc A-Za-z0-9 | head -c 20", Long);

        Assert.Equal(20, result.Output.Length);
        Assert.All(result.Output, c => Assert.True(char.IsAsciiLetterOrDigit(c), $"'{c}' is not alphanumeric"));
        Assert.Equal(["head /dev/urandom", "tr -dc A-Za-z0-9", "head -c 20"], result.Stages.Select(s => s.Command));
        Assert.True(result.Stages[^1].Status.Success);
        // The first stages may die of SIGPIPE once `head -c 20` has what it needs: that is how pipelines end.
        Assert.All(result.Stages, s => Assert.True(s.Status.Success || s.Status.KilledBy() == Signal.SIGPIPE, $"{s.Command}: {s.Status}"));
    }

    [Fact]
    public void Each_stage_reads_what_the_previous_one_wrote()
    {
        var result = Shell.Run("printf 'b\\na\\nc\\n' | sort | tr a-z A-Z", Long);

        Assert.Equal("A\nB\nC", result.Output);
        Assert.All(result.Stages, s => Assert.True(s.Status.Success));
    }

    [Fact]
    public void Quotes_group_words_and_protect_the_bar()
    {
        var result = Shell.Run("echo 'a  b' \"c|d\"", Long);

        Assert.Equal("a  b c|d", result.Output);
    }

    [Fact]
    public void A_started_pipeline_runs_all_its_stages_until_disposed_and_then_none_is_left()
    {
        var pipeline = Shell.Start("sleep 20 | sleep 30");
        var pids = pipeline.Stages.Select(s => s.Pid).ToArray();
        try
        {
            Assert.Equal(2, pids.Length);
            // Both are really running `sleep`, each asleep in the kernel.
            Assert.True(Proc.Eventually(() => pids.All(p => Proc.State(p) == 'S' && Proc.Argv0(p) == "sleep"), TimeSpan.FromSeconds(10)),
                string.Join("; ", pids.Select(p => $"{Proc.Argv0(p)} {Proc.State(p)}")));
            Assert.All(pipeline.Stages, s => Assert.False(s.HasExited));
        }
        finally
        {
            pipeline.Dispose();
        }

        Assert.All(pipeline.Stages, s => Assert.Equal(Signal.SIGKILL, s.Status?.KilledBy()));
        Assert.All(pids, p => Assert.Null(Proc.State(p)));
    }

    [Theory]
    [InlineData("cat a > b", "'>'")]
    [InlineData("ls | | wc", "empty stage")]
    [InlineData("ls |", "empty stage")]
    [InlineData("echo 'unclosed", "Unclosed quote")]
    [InlineData("echo $HOME", "'$'")]
    [InlineData("   ", "empty")]
    public void Command_lines_that_are_not_plain_pipelines_are_refused_before_anything_starts(string commandLine, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => Shell.Start(commandLine));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void An_unknown_program_is_a_clear_FileNotFoundException_and_stages_already_started_are_stopped()
    {
        var before = ChildRegistry.Running().Select(c => c.Pid).ToHashSet();

        var e = Assert.Throws<FileNotFoundException>(() => Shell.Start("sleep 30 | no-such-program-xyz --flag"));

        Assert.Contains("'no-such-program-xyz' was not found on PATH", e.Message);
        Assert.Equal("no-such-program-xyz", e.FileName);
        Assert.DoesNotContain(ChildRegistry.Running(), c => !before.Contains(c.Pid));
    }
}
