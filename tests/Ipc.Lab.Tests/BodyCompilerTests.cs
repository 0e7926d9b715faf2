using System.Diagnostics;
using System.Text.Json;
using Ipc.Contracts;
using Ipc.Lab.Processes;
using Ipc.Lab.Runtime;
using Ipc.Lab.Tests.Infrastructure;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>The body compiler's two builds (run by dotnet, and compiled ahead of time), which one the lab starts,
/// and the shared framework the native one compiles against.</summary>
public class BodyCompilerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    /// <summary>A test of the native compiler: skipped, with the reason, where scripts/setup has not built it (or
    /// built it from other sources); CI sets IPC_LAB_REQUIRE_NATIVE_COMPILER=1, and there it fails instead.</summary>
    public sealed class NativeCompilerFactAttribute : FactAttribute
    {
        public NativeCompilerFactAttribute()
        {
            if (Environment.GetEnvironmentVariable("IPC_LAB_REQUIRE_NATIVE_COMPILER") == "1") return;
            if (!LabHome.NativeCompilerIsCurrent) Skip = "the native body compiler is not built from these sources (scripts/setup builds it)";
        }
    }

    private static readonly string[] Usings = ["System", "System.Linq", "Ipc.Lab.Pipes"];

    // What a student writes, right and wrong: a plain body, one using the lab, one whose name lives outside the
    // common assemblies (compiled again against the whole framework), a type error, a syntax error.
    private static readonly string[] Bodies =
    [
        "() => { long unique = 42; if (unique < 0) Console.WriteLine(unique); }",
        "() => { using var pipe = Pipe.Create(); pipe.WriteEnd.Write(new byte[] { 1 }); }",
        "() => Console.WriteLine(System.Text.RegularExpressions.Regex.IsMatch(\"ab\", \"a.\"))",
        "() =>\n{\n    int x = \"text\";\n}",
        "() => { Console.WriteLine( }",
        "() => { Frobnicate(); }",
    ];

    [NativeCompilerFact]
    public void The_native_compiler_answers_every_body_as_the_dotnet_hosted_one_does()
    {
        Assert.True(LabHome.NativeCompilerIsCurrent, "IPC_LAB_REQUIRE_NATIVE_COMPILER=1, but artifacts/lab/compiler-native/ is missing or older than the compiler's sources: run scripts/setup");
        var framework = DotnetHost.ChildFramework;
        Assert.NotNull(framework);
        var output = Directory.CreateTempSubdirectory("ipc-lab-compiler-test-").FullName;
        try
        {
            var native = Answers(LabHome.NativeCompilerPath, ["--framework", framework], output, "native");
            var hosted = Answers(DotnetHost.Path, [LabHome.CompilerPath], output, "hosted");

            Assert.Equal(hosted, native);   // the very same JSON lines, errors and their positions included
            var answers = native.Select(l => JsonSerializer.Deserialize(l, CompileJson.Default.CompileResponse)!).ToList();
            Assert.Equal([true, true, true, false, false, false], answers.Select(a => a.Ok));
            Assert.Contains(answers[3].Errors!, e => e.Code == "CS0029" && e.Line == 3);
            Assert.Contains(answers[5].Errors!, e => e.Code == "CS0103" && e.Message.Contains("Frobnicate"));
            foreach (var i in new[] { 0, 1, 2 })
                Assert.True(new FileInfo(Path.Combine(output, $"native{i}.dll")).Length > 0);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [NativeCompilerFact]
    public void A_body_compiled_by_the_native_compiler_runs_in_a_child_and_its_exception_names_its_line()
    {
        Assert.Equal(LabHome.NativeCompilerPath, BodyCompiler.Plan().Program);
        var nonce = Guid.NewGuid().ToString("N");

        using var child = Fork.Run(nonce, n =>
        {
            Console.WriteLine("ran " + n.Length);
            throw new InvalidOperationException("thrown on the third line");
        }, name: "native-compiled");

        var status = child.Wait(Long);
        Assert.Equal(1, status.ExitCode());
        Assert.Equal("ran 32", child.StandardOutput);
        Assert.Contains(child.Output, l => l.IsError && l.Text.Contains("thrown on the third line") && l.Text.Contains("line 4"));
    }

    [Fact]
    public void The_native_compiler_is_started_only_when_its_source_stamp_equals_the_hosted_compilers()
    {
        var lab = Directory.CreateTempSubdirectory("ipc-lab-home-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(lab, "compiler"));
            Directory.CreateDirectory(Path.Combine(lab, "compiler-native"));
            File.WriteAllText(Path.Combine(lab, "compiler", "source-stamp"), "abc\n");
            Assert.False(LabHome.NativeCompilerIsCurrentIn(lab));   // no native program

            File.WriteAllText(Path.Combine(lab, "compiler-native", "Ipc.Lab.Compiler"), "");
            Assert.False(LabHome.NativeCompilerIsCurrentIn(lab));   // no stamp of its own

            File.WriteAllText(Path.Combine(lab, "compiler-native", "source-stamp"), "abd\n");
            Assert.False(LabHome.NativeCompilerIsCurrentIn(lab));   // built from other sources

            File.WriteAllText(Path.Combine(lab, "compiler-native", "source-stamp"), "abc\n");
            Assert.True(LabHome.NativeCompilerIsCurrentIn(lab));
        }
        finally { Directory.Delete(lab, recursive: true); }
    }

    [Fact]
    public void The_framework_named_to_the_native_compiler_is_the_one_a_child_host_runs_on()
    {
        var told = DotnetHost.ChildFramework;
        using var child = Fork.Run(() => Console.WriteLine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory()), name: "which runtime");

        Assert.True(child.Wait(Long).Success);
        Assert.NotNull(told);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.GetFullPath(child.StandardOutput.Trim())), told);
    }

    [Theory]
    [InlineData("8.0.1 8.0.11 9.0.2 10.0.12", "8.0.0", "Major", "8.0.11")]
    [InlineData("9.0.2 9.0.9 9.1.0 10.0.12", "8.0.0", "Major", "9.0.9")]
    [InlineData("10.0.12 10.0.3", "8.0.0", "Major", "10.0.12")]
    [InlineData("10.0.12", "8.0.0", "Minor", null)]
    [InlineData("8.1.4 8.2.0 8.1.5", "8.0.0", "Minor", "8.1.5")]
    [InlineData("8.0.4 10.0.1", "8.0.0", "LatestMajor", "10.0.1")]
    [InlineData("8.0.4 8.0.6", "8.0.5", "Disable", null)]
    [InlineData("8.0.4 8.0.6", "8.0.4", "LatestPatch", "8.0.6")]
    [InlineData("8.0.4", "8.0.0", "Sideways", null)]
    public void The_framework_is_chosen_as_the_dotnet_host_rolls_forward(string installed, string requested, string policy, string? chosen)
    {
        var versions = installed.Split(' ').Select(Version.Parse);

        Assert.Equal(chosen, DotnetHost.RollForward(versions, Version.Parse(requested), policy)?.ToString());
    }

    /// <summary>Sends every body to a compiler started as a process of its own and collects its answers.</summary>
    private static List<string> Answers(string program, string[] args, string output, string prefix)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var compiler = Process.Start(start)!;
        try
        {
            var answers = new List<string>();
            for (int i = 0; i < Bodies.Length; i++)
            {
                var request = new CompileRequest(Bodies[i], [], Usings,
                    [Path.Combine(LabHome.Directory, "Ipc.Lab.dll"), Path.Combine(LabHome.Directory, "Tmds.LibC.dll")],
                    Path.Combine(output, $"{prefix}{i}.dll"), $"Body{i}");
                compiler.StandardInput.WriteLine(JsonSerializer.Serialize(request, CompileJson.Default.CompileRequest));
                compiler.StandardInput.Flush();
                var line = compiler.StandardOutput.ReadLineAsync().WaitAsync(Long).GetAwaiter().GetResult();
                if (line is null)
                    Assert.Fail($"{program} ended without answering body {i}: {compiler.StandardError.ReadToEndAsync().WaitAsync(Long).GetAwaiter().GetResult()}");
                answers.Add(line!.Replace(prefix + i + ".dll", "BODY.dll"));
            }
            return answers;
        }
        finally
        {
            compiler.StandardInput.Close();
            if (!compiler.WaitForExit(Long)) compiler.Kill();
        }
    }
}
