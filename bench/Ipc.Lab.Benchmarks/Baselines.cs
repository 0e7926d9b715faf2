using System.Diagnostics;
using System.Globalization;

namespace Ipc.Lab.Benchmarks;

/// <summary>The C and Python programs in bench/c and bench/python, built (gcc -O2) and run by this process,
/// so the baseline is measured on the same machine in the same minute as the C# figures.</summary>
internal sealed class Baselines : IDisposable
{
    private readonly string _bin;
    private readonly string _bench;

    private Baselines(string bench, string bin, string? gcc, string? python)
    {
        _bench = bench;
        _bin = bin;
        Gcc = gcc;
        Python = python;
    }

    /// <summary>"gcc (Debian 12.2.0-14) 12.2.0", or null when there is no gcc: the C column is then skipped.</summary>
    public string? Gcc { get; }

    public string? Python { get; }

    public bool HasC => Gcc is not null;

    public static Baselines Build(string benchDir)
    {
        var bin = Directory.CreateTempSubdirectory("ipc-lab-bench-").FullName;
        string? gcc = TryVersion("gcc", "--version");
        if (gcc is not null)
        {
            foreach (var name in new[] { "pipe_pingpong", "pipe_stream", "spawn_true" })
                Run("gcc", "-O2", "-Wall", "-o", Path.Combine(bin, name), Path.Combine(benchDir, "c", name + ".c"));
            // Every mechanism's C side: the program notebook 07 compiles, one harness for all ten.
            Run("gcc", "-O2", "-Wall", "-pthread", "-o", Path.Combine(bin, "ipc_compare"), Path.Combine(benchDir, "..", "notebooks", "c", "ipc_compare.c"));
        }
        string? python = TryVersion("python3", "--version");
        return new Baselines(benchDir, bin, gcc, python);
    }

    /// <summary>notebooks/c/ipc_compare.c, compiled; null without gcc.</summary>
    public string? IpcCompare => HasC ? Path.Combine(_bin, "ipc_compare") : null;

    public Stats SpawnTrue(int n) => Stats.Parse(Run(Path.Combine(_bin, "spawn_true"), N(n)));

    public Stats PingPong(int n, int cpu) => Stats.Parse(Run(Path.Combine(_bin, "pipe_pingpong"), N(n), N(cpu)));

    public double Stream(long total, int size, int capacity, int cpu, TimeSpan warmup) =>
        double.Parse(Run(Path.Combine(_bin, "pipe_stream"), N(total), N(size), N(capacity), N(cpu), N((long)warmup.TotalMilliseconds)), CultureInfo.InvariantCulture);

    public Stats PythonPingPong(int n, int cpu) =>
        Stats.Parse(Run("python3", Path.Combine(_bench, "python", "pipe_pingpong.py"), N(n), N(cpu)));

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);

    private static string? TryVersion(string program, string flag)
    {
        try { return Run(program, flag).Split('\n')[0].Trim(); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException) { return null; }
    }

    public static string Run(string program, params string[] args) => Run(program, args, null);

    public static string Run(string program, string[] args, IDictionary<string, string>? env)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        // Generous: the slowest thing run here is a cold start of a .NET child plus the Roslyn compiler.
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran longer than 120 s.");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {p.ExitCode}: {stderr.Result.Trim()}");
        return stdout.Trim();
    }

    public void Dispose()
    {
        try { Directory.Delete(_bin, recursive: true); }
        catch (IOException) { }
    }
}
