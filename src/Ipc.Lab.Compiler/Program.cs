using System.Runtime.InteropServices;
using System.Text.Json;
using Ipc.Contracts;
using Ipc.Lab.Compiler;

// The body compiler: reads one JSON request per line on stdin, answers one JSON line on stdout. Started and
// kept warm by Ipc.Lab (BodyCompiler), so that Roslyn is never loaded into a notebook's kernel.
// No warm-up compile of its own: the first request is one already (Fork.Prepare sends an empty body), and a
// warm-up first only made that request wait for two compilations.
// The shared framework bodies compile against: the one the child host runs on. The lab names it (--framework
// DIR); without it, the one running this program (the same one, when both are started by the same dotnet).
string framework = args.Length == 2 && args[0] == "--framework" ? args[1] : RuntimeEnvironment.GetRuntimeDirectory();
if (!File.Exists(Path.Combine(framework, "System.Runtime.dll")))
{
    Console.Error.WriteLine($"Ipc.Lab.Compiler: {framework} is not a .NET shared framework folder (it has no System.Runtime.dll). usage: Ipc.Lab.Compiler [--framework DIR]");
    return 2;
}
var compiler = new BodyCompilation(framework);
using var stdout = Console.OpenStandardOutput();
string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    CompileResponse response;
    try
    {
        var request = JsonSerializer.Deserialize(line, CompileJson.Default.CompileRequest)!;
        response = compiler.Compile(request);
    }
    catch (Exception e)
    {
        response = new CompileResponse(false, [new CompileDiagnostic("IPC0001", $"The body compiler failed: {e.GetType().Name}: {e.Message}", 1, 1)]);
    }
    var bytes = JsonSerializer.SerializeToUtf8Bytes(response, CompileJson.Default.CompileResponse);
    stdout.Write(bytes);
    stdout.WriteByte((byte)'\n');
    stdout.Flush();
}
return 0;
