using System.Reflection;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>Failed system calls explain themselves: call, errno name, what it means for this call, the fix.</summary>
public class NativeErrorTests
{
    [Fact]
    public void Errno_numbers_have_their_linux_names()
    {
        Assert.Equal("EPIPE", Errno.Name(32));
        Assert.Equal("EBADF", Errno.Name(9));
        Assert.Equal("EAGAIN", Errno.Name(11));
        Assert.Equal("errno 4242", Errno.Name(4242));
        Assert.Contains("broken pipe", Errno.Meaning(Errno.EPIPE));
    }

    [Fact]
    public void Writing_to_a_pipe_nobody_reads_is_EPIPE_explained_by_the_closed_read_end()
    {
        using var pipe = Pipe.Create();
        pipe.ReadEnd.Close();

        var e = Assert.Throws<SyscallException>(() => pipe.WriteEnd.Write("hello"));

        Assert.Equal("write", e.Call);
        Assert.Equal(Errno.EPIPE, e.Errno);
        Assert.Equal("EPIPE", e.ErrnoName);
        Assert.Contains("read end", e.Meaning);
        Assert.Contains("SIGPIPE", e.Fix);
        Assert.StartsWith("write failed with EPIPE (32)", e.Message);
    }

    [Fact]
    public void Writing_to_a_read_end_is_EBADF_that_says_a_read_end_cannot_be_written()
    {
        using var pipe = Pipe.Create();

        var e = Assert.Throws<SyscallException>(() => Sys.Write(pipe.ReadEnd.Fd, "x"u8, pipe.ReadEnd.Description));

        Assert.Equal("EBADF", e.ErrnoName);
        Assert.Contains("read end cannot be written", e.Meaning);
        Assert.Contains("[pipe read end]", e.Message);
    }

    [Fact]
    public void Reading_a_write_end_is_EBADF_that_says_a_write_end_cannot_be_read()
    {
        using var pipe = Pipe.Create();

        var e = Assert.Throws<SyscallException>(() => Sys.Read(pipe.WriteEnd.Fd, new byte[4], pipe.WriteEnd.Description));

        Assert.Equal("EBADF", e.ErrnoName);
        Assert.Contains("write end cannot be read", e.Meaning);
    }

    [Fact]
    public void Reading_a_descriptor_that_is_not_open_is_EBADF_from_the_kernel()
    {
        // A number above any possible RLIMIT_NOFILE: never open, whatever other threads do meanwhile.
        var e = Assert.Throws<SyscallException>(() => Sys.Read(1 << 30, new byte[4]));

        Assert.Equal("read", e.Call);
        Assert.Equal(Errno.EBADF, e.Errno);
        Assert.Contains("closed", e.Meaning);
        Assert.NotNull(e.Fix);
    }

    [Fact]
    public void Closing_twice_is_EBADF_naming_the_descriptor()
    {
        var pipe = Pipe.Create();
        pipe.WriteEnd.Close();
        pipe.ReadEnd.Close();

        var e = Assert.Throws<SyscallException>(() => pipe.ReadEnd.Close());

        Assert.Equal("close", e.Call);
        Assert.Equal("EBADF", e.ErrnoName);
        Assert.Contains("pipe read end was closed already", e.Meaning);
        Assert.Contains("exactly once", e.Fix);
        pipe.Dispose(); // after Close, Dispose does nothing and does not throw
    }

    [Fact]
    public void Raising_a_pipe_above_pipe_max_size_is_refused_without_CAP_SYS_RESOURCE()
    {
        int max = int.Parse(File.ReadAllText("/proc/sys/fs/pipe-max-size").Trim());
        using var pipe = Pipe.Create();

        if (!HasCapability(CapSysResource))
        {
            var e = Assert.Throws<SyscallException>(() => pipe.Capacity = max * 2);
            Assert.Equal("fcntl(F_SETPIPE_SZ)", e.Call);
            Assert.Equal("EPERM", e.ErrnoName);
            Assert.Contains("pipe-max-size", e.Meaning);
            Assert.Contains("pipe-max-size", e.Fix);
            Assert.Equal(65536, pipe.Capacity); // unchanged
        }
        else
        {
            // A privileged process may go above the limit: the kernel grants it.
            pipe.Capacity = max * 2;
            Assert.Equal(max * 2, pipe.Capacity);
        }
    }

    [Fact]
    public void An_absurd_pipe_size_fails_with_an_explained_error()
    {
        using var pipe = Pipe.Create();

        if (HasCapability(CapSysResource))
        {
            // Privileged, the kernel may even grant 2 GiB (int.MaxValue rounded up to a power of two), or fail
            // with EINVAL or ENOMEM: either way, no silent half-answer.
            try
            {
                pipe.Capacity = int.MaxValue;
                Assert.True(pipe.Capacity >= int.MaxValue / 2 + 1);
                return;
            }
            catch (SyscallException p)
            {
                Assert.Contains(p.ErrnoName, new[] { "EPERM", "EINVAL", "ENOMEM" });
                return;
            }
        }
        var e = Assert.Throws<SyscallException>(() => pipe.Capacity = int.MaxValue);

        Assert.Equal("fcntl(F_SETPIPE_SZ)", e.Call);
        Assert.Contains(e.ErrnoName, new[] { "EPERM", "EINVAL", "ENOMEM" });
        Assert.False(string.IsNullOrWhiteSpace(e.Meaning));
        Assert.Contains(e.ErrnoName, e.Message);
    }

    [Fact]
    public void An_errno_without_a_call_specific_explanation_falls_back_to_its_general_meaning()
    {
        // mmap has no call-specific entry, so the general meaning of the errno is what a student reads.
        var e = Explain.Failure(NativeCall.Mmap, Errno.ENOMEM);

        Assert.Equal("mmap", e.Call);
        Assert.Equal("ENOMEM", e.ErrnoName);
        Assert.Equal("out of memory", e.Meaning);
        Assert.Equal("mmap failed with ENOMEM (12): out of memory.", e.Message);
    }

    [Fact]
    public void Every_explained_call_is_one_the_library_makes()
    {
        // The table and the call sites share NativeCall's constants, so a misspelt call does not compile; what
        // could still drift is an explanation of a call no code makes any more. That is found here, in the
        // library's source.
        var made = CallsMadeInTheLibrary();
        Assert.True(made.Count > 30, $"only {made.Count} calls were found: the analysis read nothing");
        var unreachable = Explain.ExplainedCalls.Select(c => c.Name).Where(name => !made.Contains(name)).ToList();
        Assert.True(unreachable.Count == 0, $"Explain explains calls no code makes: {string.Join(", ", unreachable)}");
    }

    [Fact]
    public void Every_call_has_its_own_name_and_is_made_somewhere()
    {
        var made = CallsMadeInTheLibrary();
        var known = Constants().Values.ToList();
        Assert.Equal(known.Count, known.Distinct().Count());
        var unused = known.Where(name => !made.Contains(name)).ToList();
        Assert.True(unused.Count == 0, $"NativeCall constants no code uses: {string.Join(", ", unused)}");
    }

    private static readonly string SourceDir = typeof(NativeErrorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LabSourceDir").Value!;

    /// <summary>NativeCall's constants: field name → the call's C name.</summary>
    private static Dictionary<string, string> Constants() =>
        typeof(NativeCall).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(NativeCall))
            .ToDictionary(f => f.Name, f => ((NativeCall)f.GetValue(null)!).Name);

    /// <summary>The C names of the calls the library's code names: every NativeCall.X outside the file that
    /// declares them and Explain's table.</summary>
    private static HashSet<string> CallsMadeInTheLibrary()
    {
        var names = Constants();
        var made = new HashSet<string>();
        foreach (var file in Directory.EnumerateFiles(SourceDir, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SourceDir, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "obj" or "bin") continue;
            if (relative == Path.Combine("Native", "NativeCall.cs") || relative == Path.Combine("Native", "Explain.cs")) continue;
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(file), new CSharpParseOptions(LanguageVersion.Latest)).GetRoot();
            foreach (var access in root.DescendantNodes().OfType<MemberAccessExpressionSyntax>())
                if (access.Expression.ToString() == nameof(NativeCall) && names.TryGetValue(access.Name.Identifier.Text, out var name))
                    made.Add(name);
        }
        return made;
    }

    private const int CapSysResource = 24;

    private static bool HasCapability(int bit) => (ProcStatus.Of(Environment.ProcessId)!.EffectiveCapabilities & (1UL << bit)) != 0;
}
