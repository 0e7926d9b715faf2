using System.Diagnostics;

namespace Ipc.Notebooks.Runner.Jupyter;

// The Python that can drive a Jupyter kernel: the one the installed `jupyter` command runs on. `python3` on PATH
// is often another interpreter (pyenv, a virtualenv) without nbclient, so it is tried last, not first.
internal static class JupyterPython
{
    public const string OverrideVariable = "IPC_NOTEBOOKS_PYTHON";
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public static string Find()
    {
        var tried = new List<string>();
        foreach (var candidate in Candidates().Distinct(StringComparer.Ordinal))
        {
            tried.Add(candidate);
            if (CanImportNbclient(candidate)) return candidate;
        }
        throw new KernelspecException(
            $"no Python with nbclient was found (tried {string.Join(", ", tried)}). The kernel engine drives the .NET Interactive kernel " +
            $"through Jupyter's nbclient: run `scripts/setup` (or `sudo apt-get install python3-nbclient jupyter-client jupyter-nbconvert`), " +
            $"or set {OverrideVariable} to a Python that has nbclient.");
    }

    private static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } chosen) yield return chosen;
        foreach (var jupyter in new[] { FindOnPath("jupyter"), "/usr/bin/jupyter" })
            if (jupyter is not null && Shebang(jupyter) is { } interpreter) yield return interpreter;
        yield return "/usr/bin/python3";
        if (FindOnPath("python3") is { } python) yield return python;
    }

    // `#!/usr/bin/python3` names the interpreter; `#!/usr/bin/env python3` does not say which one, so it is skipped.
    private static string? Shebang(string script)
    {
        try
        {
            using var reader = new StreamReader(script);
            var first = reader.ReadLine();
            if (first is null || !first.StartsWith("#!", StringComparison.Ordinal)) return null;
            var interpreter = first[2..].Trim().Split(' ', 2)[0];
            return Path.IsPathRooted(interpreter) && Path.GetFileName(interpreter) != "env" && File.Exists(interpreter) ? interpreter : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool CanImportNbclient(string python)
    {
        if (!File.Exists(python)) return false;
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-c", "import nbclient, nbformat, jupyter_client" }) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start);
            if (process is null) return false;
            _ = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            if (process.WaitForExit(ProbeTimeout)) return process.ExitCode == 0;
            process.Kill(entireProcessTree: true);
            return false;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
