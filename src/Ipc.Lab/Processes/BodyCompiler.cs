using System.Text;
using System.Text.Json;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Processes;

/// <summary>Turns the text of a child body into a DLL the child host runs. Roslyn must not be loaded into the
/// notebook's process (the kernel ships its own version), so the work is done by a compiler process of our
/// own, started once and kept warm; its answers are cached on disk by <see cref="BodyCache"/>.</summary>
internal static class BodyCompiler
{
    private static readonly object Gate = new();
    private static ChildProcess? _process;
    private static int _requests = -1, _responses = -1;
    private static readonly List<byte> Pending = new();

    /// <summary>Starts the compiler now, so that the first body a notebook runs does not wait for it.</summary>
    public static void Warm()
    {
        lock (Gate) EnsureStarted();
    }

    public static string Compile(string source, IReadOnlyList<Type> parameterTypes)
    {
        var key = BodyCache.Key(source, parameterTypes);
        var output = BodyCache.PathFor(key);
        if (File.Exists(output)) return output;

        var request = new CompileRequest(
            source,
            parameterTypes.Select(TypeNames.CSharp).ToArray(),
            DefaultUsings(),
            [Path.Combine(LabHome.Directory, "Ipc.Lab.dll"), Path.Combine(LabHome.Directory, "Tmds.LibC.dll")],
            output,
            key);
        CompileResponse response;
        lock (Gate)
        {
            EnsureStarted();
            Send(request);
            response = Receive(TimeSpan.FromSeconds(60));
        }
        if (!response.Ok) throw new ChildBodyException(response.Errors ?? [], source);
        return output;
    }

    private static string[] DefaultUsings()
    {
        var lab = typeof(BodyCompiler).Assembly.GetExportedTypes().Select(t => t.Namespace).OfType<string>();
        return new[] { "System", "System.IO", "System.Text", "System.Linq", "System.Threading", "System.Threading.Tasks", "System.Collections.Generic" }
            .Concat(lab).Distinct().ToArray();
    }

    private static void EnsureStarted()
    {
        if (_process is { HasExited: false }) return;
        if (_process is not null)
        {
            close(_requests);
            close(_responses);
        }
        var (reqRead, reqWrite) = Sys.Pipe2(O_CLOEXEC);
        var (respRead, respWrite) = Sys.Pipe2(O_CLOEXEC);
        var (errRead, errWrite) = Sys.Pipe2(O_CLOEXEC);
        try
        {
            int pid = Spawner.Spawn(new SpawnPlan(DotnetHost.Path, ["dotnet", LabHome.CompilerPath],
                [(reqRead, 0), (respWrite, 1), (errWrite, 2)], ChildEnvironment.ForDotnet()));
            _process = new ChildProcess(pid, "compiler", "Ipc.Lab.Compiler");
            OutputRelay.Watch(_process, -1, errRead);
        }
        finally
        {
            close(reqRead);
            close(respWrite);
            close(errWrite);
        }
        _requests = reqWrite;
        _responses = respRead;
        Pending.Clear();
    }

    private static void Send(CompileRequest request)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, LabJson.Default.CompileRequest).Append((byte)'\n').ToArray();
        int done = 0;
        while (done < bytes.Length) done += Sys.Write(_requests, bytes.AsSpan(done), "pipe to the body compiler");
    }

    private static CompileResponse Receive(TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var buffer = new byte[65536];
        using var _ = Activity.Begin("waiting for the body compiler");
        while (true)
        {
            int newline = Pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Pending.GetRange(0, newline).ToArray();
                Pending.RemoveRange(0, newline + 1);
                return JsonSerializer.Deserialize(line, LabJson.Default.CompileResponse)!;
            }
            int left = (int)(deadline - Environment.TickCount64);
            if (left <= 0 || Sys.PollOne(_responses, POLLIN, left) == 0)
            {
                _process?.Dispose();
                throw new WaitTimeoutException($"The notebook waited {timeout.TotalSeconds:0} s for the body compiler (pid {_process?.Pid}) to compile a child body, and it did not answer. It was stopped; the next Fork.Run starts a new one.");
            }
            int n = Sys.Read(_responses, buffer, "pipe from the body compiler");
            if (n == 0)
            {
                var said = string.Join("\n", _process?.Output.Select(l => l.Text) ?? []);
                throw new InvalidOperationException($"The body compiler exited unexpectedly.{(said.Length > 0 ? " It said: " + said : "")} The next Fork.Run starts a new one.");
            }
            Pending.AddRange(buffer.AsSpan(0, n).ToArray());
        }
    }
}

internal sealed record CompileRequest(string Source, string[] ParameterTypes, string[] Usings, string[] References, string Output, string ClassName);

internal sealed record CompileResponse(bool Ok, CompileError[]? Errors);

/// <summary>One compiler diagnostic, at a line of the child body (1 = the line where the lambda starts).</summary>
public sealed record CompileError(string Code, string Message, int Line, int Column);

/// <summary>A child body that does not compile. When it uses names of the notebook (the parent's variables or
/// methods) the message says that a child cannot see them, and how to pass them.</summary>
public sealed class ChildBodyException(IReadOnlyList<CompileError> errors, string source) : Exception(Compose(errors, source))
{
    public IReadOnlyList<CompileError> Errors { get; } = errors;

    /// <summary>Names the body used that exist only in the parent.</summary>
    public IReadOnlyList<string> ParentNames { get; } = NamesOfParent(errors);

    private static string[] NamesOfParent(IEnumerable<CompileError> errors) =>
        errors.Where(e => e.Code == "CS0103")
            .Select(e => e.Message.Split('\'') is { Length: >= 3 } parts ? parts[1] : "")
            .Where(n => n.Length > 0).Distinct().ToArray();

    private static string Compose(IReadOnlyList<CompileError> errors, string source)
    {
        var text = new StringBuilder();
        var names = NamesOfParent(errors);
        if (names.Length > 0)
        {
            var list = string.Join(", ", names.Select(n => $"'{n}'"));
            text.Append($"The child body uses {list}, which {(names.Length == 1 ? "is a variable or method" : "are variables or methods")} of the notebook — the parent process. ");
            text.Append("A child is a separate process with its own memory: it cannot see the parent's variables. ");
            text.Append($"Pass what it needs explicitly, e.g. Fork.Run({names[0]}, {names[0]} => {{ ... }}) — the child gets its own copy (descriptors and kernel objects arrive as the same kind of object).");
            var other = errors.Where(e => e.Code != "CS0103").ToArray();
            if (other.Length > 0) text.Append(" Also: ").Append(string.Join("; ", other.Select(Describe)));
            return text.ToString();
        }
        text.Append("The child body does not compile: ").Append(string.Join("; ", errors.Select(Describe)));
        var lines = source.Split('\n');
        var first = errors.FirstOrDefault();
        if (first is not null && first.Line >= 1 && first.Line <= lines.Length)
            text.Append($". Line {first.Line} of the body: {lines[first.Line - 1].Trim()}");
        return text.ToString();
    }

    private static string Describe(CompileError e) => $"line {e.Line}, column {e.Column}: {e.Code}: {e.Message}";
}
