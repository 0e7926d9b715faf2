using System.Text;
using System.Text.Json;
using Ipc.Contracts;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Runtime;

/// <summary>Turns the text of a child body into a DLL the child host runs. Roslyn must not be loaded into the
/// notebook's process (the kernel ships its own version), so the work is done by a compiler process of our
/// own, started once and kept warm; its answers are cached on disk by <see cref="BodyCache"/>.</summary>
internal static class BodyCompiler
{
    private static readonly object Gate = new();
    private static ChildHandle? _process;
    private static int _requests = -1, _responses = -1;
    private static readonly List<byte> Pending = new();

    /// <param name="staticUsings">Classes whose members a body may call unqualified (`using static`).</param>
    public static string Compile(string source, IReadOnlyList<Type> parameterTypes, IReadOnlyList<Type> staticUsings)
    {
        var key = BodyCache.Key(source, parameterTypes, staticUsings);
        var output = BodyCache.PathFor(key);
        if (File.Exists(output)) return output;
        Compile(source, parameterTypes, staticUsings, key, output);
        return output;
    }

    private static void Compile(string source, IReadOnlyList<Type> parameterTypes, IReadOnlyList<Type> staticUsings, string key, string output)
    {
        var request = new CompileRequest(
            source,
            parameterTypes.Select(TypeNames.CSharp).ToArray(),
            [.. DefaultUsings(), .. staticUsings.Select(t => "static " + TypeNames.CSharp(t))],
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
        if (!response.Ok) throw new ChildBodyException([.. (response.Errors ?? []).Select(e => new CompileError(e.Code, e.Message, e.Line, e.Column))], source);
    }

    /// <summary>Starts the compiler and has it compile an empty body, whether or not that body is in the cache: a
    /// warm cache would otherwise answer Fork.Prepare without starting the compiler at all, and the first body the
    /// notebook has not run before met a cold compiler (measured in the .NET Interactive kernel: 1.3 s for that
    /// cell, seconds after the set-up cell). The compiled file is thrown away.</summary>
    public static void WarmUp(IReadOnlyList<Type> staticUsings)
    {
        var key = BodyCache.Key($"() => {{ }} // warm-up {Environment.ProcessId}", [], staticUsings);
        var output = BodyCache.PathFor(key);
        try { Compile("() => { }", [], staticUsings, key, output); }
        finally { File.Delete(output); }
    }

    private static string[] DefaultUsings()
    {
        var lab = typeof(BodyCompiler).Assembly.GetExportedTypes().Select(t => t.Namespace).OfType<string>();
        return new[] { "System", "System.IO", "System.Text", "System.Linq", "System.Threading", "System.Threading.Tasks", "System.Collections.Generic" }
            .Concat(lab).Distinct().ToArray();
    }

    private static void EnsureStarted()
    {
        if (_process is { Reaped: false }) return;
        if (_process is not null)
        {
            close(_requests);
            close(_responses);
        }
        using var plumbing = new Plumbing();
        int requests = plumbing.ToChild(0), responses = plumbing.FromChild(1), stderr = plumbing.FromChild(2);
        int pid = plumbing.Spawn(Plan());
        _process = Launcher.Watch(pid, "compiler", "Ipc.Lab.Compiler", status => $"ended (wait status 0x{status:x})", stdout: -1, stderr);
        _requests = requests;
        _responses = responses;
        Pending.Clear();
    }

    /// <summary>The native compiler when it is current and the child host's framework is known (a cold start
    /// compiles the first body ~5× faster); otherwise the compiler run by dotnet. IPC_LAB_COMPILER=dotnet
    /// asks for the second.</summary>
    internal static SpawnPlan Plan()
    {
        if (Environment.GetEnvironmentVariable("IPC_LAB_COMPILER") != "dotnet" && LabHome.NativeCompilerIsCurrent && DotnetHost.ChildFramework is { } framework)
            return new SpawnPlan(LabHome.NativeCompilerPath, [LabHome.NativeCompilerPath, "--framework", framework], ChildEnvironment.ForDotnet());
        return new SpawnPlan(DotnetHost.Path, ["dotnet", LabHome.CompilerPath], ChildEnvironment.ForDotnet());
    }

    private static void Send(CompileRequest request)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(request, CompileJson.Default.CompileRequest).Append((byte)'\n').ToArray();
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
                return JsonSerializer.Deserialize(line, CompileJson.Default.CompileResponse)!;
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
