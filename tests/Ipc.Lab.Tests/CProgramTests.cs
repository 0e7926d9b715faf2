using Ipc.Lab.Io;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Signals;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>CProgram (C written in a cell, compiled with gcc, run as a native child), Command.Start with a
/// pipe on stdin and stdout, and the /proc reader that finds a process's children, zombies included.</summary>
public class CProgramTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void A_C_program_compiles_runs_as_a_native_child_and_its_exit_status_comes_back()
    {
        var program = CProgram.Compile("answer", """
            #include <stdio.h>
            int main(int argc, char **argv) { printf("argc %d, %s\n", argc, argv[1]); return 42; }
            """);
        if (CProgram.Gcc is null)
        {
            Assert.False(program.Available);
            Assert.Contains("gcc is not installed", program.Missing);
            Assert.Null(program.Run());
            return;
        }
        Assert.True(program.Available, program.Missing);
        Assert.StartsWith(RunDirectory.Path, program.Path);
        Assert.False(File.Exists(program.Path + ".c"), "the source file is removed once compiled");

        var run = program.Run(["a|b $HOME"], Long);

        Assert.NotNull(run);
        Assert.Equal("answer", run.Name);
        Assert.Equal(42, ((ExitStatus.Exited)run.Status!).Code);
        Assert.Equal("argc 2, a|b $HOME", run.StandardOutput);
    }

    [Fact]
    public void Compiling_twice_keeps_the_first_binary_that_may_still_run()
    {
        if (CProgram.Gcc is null) return;
        const string source = "int main(void) { return 0; }";

        var first = CProgram.Compile("twice", source);
        var second = CProgram.Compile("twice", source);

        Assert.NotEqual(first.Path, second.Path);
        Assert.True(File.Exists(first.Path) && File.Exists(second.Path));
    }

    [Fact]
    public void A_program_and_a_fifo_of_the_same_name_do_not_collide_in_the_run_directory()
    {
        if (CProgram.Gcc is null) return;

        var program = CProgram.Compile("server", "int main(void) { return 0; }");
        using var fifo = Ipc.Lab.Pipes.Fifo.Create("server");

        Assert.NotEqual(fifo.Path, program.Path);
        Assert.True(File.Exists(program.Path));
    }

    [Fact]
    public void A_program_that_does_not_compile_fails_with_gcc_s_error_naming_the_program()
    {
        if (CProgram.Gcc is null) return;

        var e = Assert.Throws<InvalidOperationException>(() => CProgram.Compile("broken", "int main(void) { return undefined_name; }"));

        Assert.Contains("gcc could not compile broken.c", e.Message);
        Assert.Contains("broken.c:1", e.Message);
        Assert.Contains("undefined_name", e.Message);
    }

    [Fact]
    public void Two_programs_joined_by_a_pipe_on_stdout_and_stdin_pass_their_arguments_untouched()
    {
        using var pipe = Pipe.Create();
        using var writer = Command.Start("printf", ["%s\n", "a|b", "$HOME", "two words"], stdout: pipe.WriteEnd);
        using var reader = Command.Start("tr", ["a-z", "A-Z"], stdin: pipe.ReadEnd);
        pipe.Dispose();

        Assert.True(writer.Wait(Long).Success);
        Assert.True(reader.Wait(Long).Success);
        Assert.Equal("A|B\n$HOME\nTWO WORDS", reader.StandardOutput);
        Assert.Empty(writer.Output);
    }

    [Fact]
    public void The_children_of_a_process_are_found_in_proc_zombies_with_their_state()
    {
        // sh forks a child that exits 5 and one that sleeps, then becomes sleep, which never waits: a zombie.
        using var parent = Command.Start("sh", "-c", "( exit 5 ) & sleep 60 & exec sleep 60");
        try
        {
            long deadline = Environment.TickCount64 + 10_000;
            IReadOnlyList<ProcStat> children;
            while ((children = ProcTable.ChildrenOf(parent.Pid)).Count(c => c.State == 'Z') < 1 || children.Count < 2)
            {
                Assert.True(Environment.TickCount64 < deadline, $"children of {parent.Pid}: {string.Join(", ", children)}");
                Thread.Sleep(5);
            }
            Assert.Equal(2, children.Count);
            Assert.Single(children, c => c.State == 'Z');
            Assert.Single(children, c => c.State != 'Z' && c.Command == "sleep");
        }
        finally
        {
            foreach (var c in ProcTable.ChildrenOf(parent.Pid).Where(c => c.State != 'Z')) Posix.Kill(c.Pid, Signal.SIGKILL, out _);
        }
    }
}
