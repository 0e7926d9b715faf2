using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>What running a notebook in the real .NET Interactive kernel needs, made available once per test run,
/// as on a fresh machine: the kernel tool pinned in dotnet-tools.json (`dotnet tool restore`) and Debian's
/// nbclient (`scripts/setup --skip-build` when it is missing). Fails with what is missing and how to get it.</summary>
internal static class KernelPrerequisites
{
    private static readonly Lazy<Prepared> Once = new(Prepare);

    public static string RepoRoot => Path.GetDirectoryName(Paths.NotebooksDir)!;

    /// <summary>The kernel's entry point, as the course's kernelspec (written by the runner) names it.</summary>
    public static string KernelDll => Once.Value.KernelDll;

    /// <summary>The Python that has nbclient, and the jupyter command that runs on it.</summary>
    public static string Python => Once.Value.Python;

    public static string Jupyter => Once.Value.Jupyter;

    public static void Ensure() => _ = Once.Value;

    private sealed record Prepared(string KernelDll, string Python, string Jupyter);

    private static Prepared Prepare()
    {
        var restore = Run("dotnet", ["tool", "restore"], TimeSpan.FromMinutes(5));
        Assert.True(restore.ExitCode == 0, $"`dotnet tool restore` in {RepoRoot} failed (exit code {restore.ExitCode}); the .NET Interactive kernel is needed:\n{restore.Output}");

        if (!HasNbclient())
        {
            var setup = Path.Combine(RepoRoot, "scripts", "setup");
            Assert.True(File.Exists(setup), $"Debian's python3-nbclient is missing and {setup} does not exist to install it: apt-get install python3-nbclient jupyter-client jupyter-nbconvert");
            var result = Run(setup, ["--skip-build"], TimeSpan.FromMinutes(15));
            Assert.True(HasNbclient(),
                $"Debian's nbclient is still missing after `scripts/setup --skip-build` (exit code {result.ExitCode}): " +
                $"/usr/bin/python3 cannot import nbclient, nbformat and jupyter_client. Install python3-nbclient jupyter-client jupyter-nbconvert.\n{result.Output}");
        }

        // The kernelspec exactly as the runner defines it, written to a throw-away folder, says which DLL runs.
        var folder = Directory.CreateTempSubdirectory("ipc-kernelspec-test-").FullName;
        try
        {
            var install = Run("dotnet", [Paths.RunnerDll, "kernelspec", "install", "--dir", folder], TimeSpan.FromMinutes(6));
            Assert.True(install.ExitCode == 0, $"`ipc-notebooks kernelspec install --dir` failed (exit code {install.ExitCode}):\n{install.Output}");
            var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "kernels", ".net-csharp", "kernel.json")))!;
            var dll = (string)spec["argv"]![1]!;
            Assert.True(File.Exists(dll), $"The course's kernelspec names {dll}, which does not exist after `dotnet tool restore`.");
            return new Prepared(dll, "/usr/bin/python3", "/usr/bin/jupyter");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static bool HasNbclient() =>
        File.Exists("/usr/bin/python3") && File.Exists("/usr/bin/jupyter") &&
        Run("/usr/bin/python3", ["-c", "import nbclient, nbformat, jupyter_client, nbconvert"], TimeSpan.FromSeconds(60)).ExitCode == 0;

    /// <summary>Runs a program to its end, bounded by <paramref name="limit"/> (then its whole tree is killed and the
    /// test fails), with stdout and stderr together; the one way these tests start a program.</summary>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> args, TimeSpan limit, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoRoot,
        };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            Assert.Fail($"{program} {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s.\n{output}");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}
