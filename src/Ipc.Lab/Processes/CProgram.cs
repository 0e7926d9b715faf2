using Ipc.Lab.Io;
using Ipc.Lab.Pipes;

namespace Ipc.Lab.Processes;

/// <summary>A C program written in a notebook cell, compiled with gcc and run as a real native child. This is
/// how a notebook shows what only C may do here — fork(), exec, a zombie, an orphan — since a .NET process
/// must not fork. Where gcc is missing the program is not compiled, <see cref="Available"/> is false and
/// <see cref="Missing"/> says why, so a notebook can show its source and go on instead of failing.</summary>
public sealed class CProgram
{
    private static readonly object Gate = new();
    private static readonly List<string> Built = new();
    private static bool _cleanupHooked;

    private CProgram(string name, string source, string? path, string? missing)
    {
        Name = name;
        Source = source;
        Path = path;
        Missing = missing;
    }

    public string Name { get; }

    /// <summary>The C text, as the cell wrote it.</summary>
    public string Source { get; }

    /// <summary>The compiled binary (in the run directory, removed when this process exits), or null.</summary>
    public string? Path { get; }

    /// <summary>Why the program cannot run here (no gcc), or null when it can.</summary>
    public string? Missing { get; }

    public bool Available => Path is not null;

    /// <summary>"gcc (Debian 12.2.0-14) 12.2.0" — the first line of gcc --version — or null without gcc.</summary>
    public static string? Gcc => GccVersion.Value;

    private static readonly Lazy<string?> GccVersion = new(() =>
    {
        if (!OnPath("gcc")) return null;
        // Read through a pipe of ours, so that the version text does not appear under the cell.
        using var output = Pipe.Create();
        using var version = Processes.Command.Start("gcc", ["--version"], stdout: output.WriteEnd);
        output.WriteEnd.Close();
        string text = output.ReadEnd.ReadToEnd();
        return version.Wait().Success ? text.Split('\n')[0] : null;
    });

    /// <summary>Compiles <paramref name="source"/> with gcc -O2 -Wall -Wextra (and <paramref name="flags"/>,
    /// e.g. "-pthread"). gcc's warnings appear under the cell; a program that does not compile fails here with
    /// gcc's errors. Without gcc nothing is compiled, and the result says so.</summary>
    public static CProgram Compile(string name, string source, params string[] flags)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (Gcc is null)
            return new CProgram(name, source, null,
                $"gcc is not installed here, so {name}.c is shown but not run. Install it (Debian/Ubuntu: sudo apt-get install gcc, or scripts/setup) and restart the kernel to run the C.");
        // Named after the program (the kernel shows the file's name as the process's comm: "4242-zombie.out"),
        // with C's ".out" so that it never takes the name of a FIFO or socket file the student calls the same
        // (a "server" FIFO next to server.c), and never overwritten: a program compiled again may still be
        // running from the old file.
        string binary = RunDirectory.NewPath($"{name}.out");
        for (int n = 2; File.Exists(binary); n++) binary = RunDirectory.NewPath($"{name}-{n}.out");
        string file = binary + ".c";
        Remember(file);
        Remember(binary);
        File.WriteAllText(file, source);
        using var gcc = Processes.Command.Start("gcc", ["-O2", "-Wall", "-Wextra", "-o", binary, file, .. flags]);
        var status = gcc.Wait(TimeSpan.FromSeconds(60));
        File.Delete(file);
        if (!status.Success)
            throw new InvalidOperationException(
                $"gcc could not compile {name}.c ({status}): {string.Join("\n", gcc.Output.Where(l => l.IsError).Select(l => l.Text.Replace(file, name + ".c")))}");
        return new CProgram(name, source, binary, null);
    }

    /// <summary>Starts the program with <paramref name="args"/> (its stdout and stderr appear under the cell).</summary>
    public ChildProcess Start(params string[] args)
    {
        if (Path is null) throw new InvalidOperationException(Missing);
        return Processes.Command.Start(Path, args, stdin: -1, stdout: -1, name: Name);
    }

    /// <summary>Runs the program to its end and returns it; without gcc, says so under the cell and returns null.</summary>
    public ChildProcess? Run(params string[] args) => Run(args, timeout: null);

    public ChildProcess? Run(string[] args, TimeSpan? timeout)
    {
        if (Path is null)
        {
            Console.WriteLine(Missing);
            return null;
        }
        var child = Start(args);
        child.Wait(timeout);
        return child;
    }

    public override string ToString() => Available ? $"{Name}.c, compiled with {Gcc}" : Missing!;

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
        .Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(System.IO.Path.Combine(dir, program)));

    /// <summary>Compiled files live in the run directory: its guardian removes them if we are killed, and this
    /// removes them when we exit normally.</summary>
    private static void Remember(string path)
    {
        lock (Gate)
        {
            Built.Add(path);
            if (_cleanupHooked) return;
            _cleanupHooked = true;
            AppDomain.CurrentDomain.ProcessExit += (_, _) =>
            {
                lock (Gate)
                    foreach (var p in Built)
                        try { File.Delete(p); }
                        catch (IOException) { }
                        catch (UnauthorizedAccessException) { }
            };
        }
    }
}
