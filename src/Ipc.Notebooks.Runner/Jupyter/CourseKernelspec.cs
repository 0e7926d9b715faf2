using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Jupyter;

// The course's one definition of the `.net-csharp` kernelspec: the .NET Interactive kernel pinned by the repository's
// tool manifest, started directly (`dotnet <App.dll> jupyter ...`) so Jupyter's signals and kills reach the kernel
// itself rather than a `dotnet tool run` layer, and with --http-local-only because without it the kernel's HTTP
// endpoint listens on every interface of the student's machine.
internal static class CourseKernelspec
{
    public const string Name = ".net-csharp";
    public const string DisplayName = ".NET (C#)";
    public const string Language = "C#";

    private const string ToolPackage = "microsoft.dotnet-interactive";
    private const string EntryPoint = "Microsoft.DotNet.Interactive.App.dll";
    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(60);

    public static JsonObject KernelJson(string kernelDll) => new()
    {
        ["argv"] = new JsonArray(DotnetHost(), kernelDll, "jupyter", "--default-kernel", "csharp", "--http-local-only", "{connection_file}"),
        ["display_name"] = DisplayName,
        ["language"] = Language,
    };

    /// <summary>Writes DIR/kernels/.net-csharp/kernel.json, the layout Jupyter looks for in every folder of JUPYTER_PATH.</summary>
    public static string WriteToJupyterPath(string jupyterPathDirectory, TextWriter log) =>
        WriteSpecFolder(Path.Combine(jupyterPathDirectory, "kernels", Name), KernelDll(log));

    /// <summary>Installs for the current user, where `jupyter kernelspec install --user` puts it.</summary>
    public static string InstallForUser(TextWriter log)
    {
        var dll = KernelDll(log);
        var staging = Directory.CreateTempSubdirectory("ipc-kernelspec-");
        try
        {
            var folder = WriteSpecFolder(Path.Combine(staging.FullName, Name), dll);
            if (JupyterPython.FindOnPath("jupyter") is { } jupyter)
            {
                // Jupyter knows its own data folder (JUPYTER_DATA_DIR, XDG_DATA_HOME, a virtualenv...) better than we do.
                var (exit, output) = Run(jupyter, ["kernelspec", "install", "--user", "--name", Name, folder], null, QueryTimeout);
                if (exit != 0)
                    throw new KernelspecException($"`{jupyter} kernelspec install --user --name {Name} {folder}` failed (exit code {exit}):\n{output}");
                // "[InstallKernelSpec] Installed kernelspec .net-csharp in /home/.../kernels/.net-csharp"
                var installed = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Contains($"kernelspec {Name} in ", StringComparison.Ordinal));
                return installed is null ? $"installed with {jupyter}" : installed[(installed.IndexOf($"kernelspec {Name} in ", StringComparison.Ordinal) + $"kernelspec {Name} in ".Length)..];
            }
            // No Jupyter on PATH yet (VS Code alone does not need it): its documented per-user location on Linux.
            var dataDir = Environment.GetEnvironmentVariable("JUPYTER_DATA_DIR") is { Length: > 0 } d ? d
                : Path.Combine(Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } x ? x
                    : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "jupyter");
            return WriteSpecFolder(Path.Combine(dataDir, "kernels", Name), dll);
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    private static string WriteSpecFolder(string folder, string kernelDll)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "kernel.json");
        File.WriteAllText(path, KernelJson(kernelDll).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", new UTF8Encoding(false));
        return folder;
    }

    /// <summary>The kernel's entry point in the NuGet global packages folder, restored from the repository's
    /// tool manifest when it is not there yet.</summary>
    public static string KernelDll(TextWriter log)
    {
        var (manifest, version) = ToolManifest();
        var repoRoot = Path.GetDirectoryName(manifest)!;
        var dll = Path.Combine(GlobalPackagesFolder(), ToolPackage, version, "tools", "net10.0", "any", EntryPoint);
        if (File.Exists(dll)) return dll;

        log.WriteLine($"ipc-notebooks: the .NET Interactive kernel {version} is not restored yet; running `dotnet tool restore` in {repoRoot}");
        var (exit, output) = Run(DotnetHost(), ["tool", "restore"], repoRoot, RestoreTimeout);
        if (exit != 0)
            throw new KernelspecException($"`dotnet tool restore` in {repoRoot} failed (exit code {exit}); the kernel cannot be installed without it:\n{output}");
        if (File.Exists(dll)) return dll;
        throw new KernelspecException($"`dotnet tool restore` succeeded but {dll} does not exist. Is {ToolPackage} {version} in {manifest} still built for net10.0?");
    }

    /// <summary>The repository's dotnet-tools.json (searched upwards from the working directory, then from this
    /// program's own folder) and the kernel version it pins.</summary>
    private static (string Path, string Version) ToolManifest()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "dotnet-tools.json");
                if (!File.Exists(candidate)) continue;
                var version = (string?)JsonNode.Parse(File.ReadAllText(candidate))?["tools"]?[ToolPackage]?["version"];
                if (version is { Length: > 0 }) return (candidate, version);
            }
        }
        throw new KernelspecException($"no dotnet-tools.json that pins {ToolPackage} was found above {Environment.CurrentDirectory} or {AppContext.BaseDirectory}; run this from the course repository.");
    }

    private static string GlobalPackagesFolder()
    {
        if (Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured) return configured;
        var (exit, output) = Run(DotnetHost(), ["nuget", "locals", "global-packages", "--list"], null, QueryTimeout);
        const string prefix = "global-packages:";
        var line = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        if (exit != 0 || line is null)
            throw new KernelspecException($"`dotnet nuget locals global-packages --list` did not say where NuGet keeps packages (exit code {exit}); set NUGET_PACKAGES:\n{output}");
        return line[prefix.Length..].Trim();
    }

    // The host running us when started as `dotnet runner.dll`, else whatever `dotnet` PATH gives: kernel.json
    // names it absolutely, because Jupyter front ends do not always start kernels with the user's PATH.
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        return JupyterPython.FindOnPath("dotnet") ?? "dotnet";
    }

    private static (int ExitCode, string Output) Run(string program, IEnumerable<string> args, string? workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new KernelspecException($"could not start {program}");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
            throw new KernelspecException($"`{program} {string.Join(' ', start.ArgumentList)}` did not finish within {timeout.TotalSeconds} s and was killed.");
        }
        process.WaitForExit();
        lock (output) return (process.ExitCode, output.ToString());
    }
}

internal sealed class KernelspecException(string message) : Exception(message);
