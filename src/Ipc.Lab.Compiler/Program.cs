using System.Text.Json;
using Ipc.Contracts;
using Ipc.Lab.Compiler;

// The body compiler: reads one JSON request per line on stdin, answers one JSON line on stdout. Started and
// kept warm by Ipc.Lab (BodyCompiler), so that Roslyn is never loaded into a notebook's kernel.
// No warm-up compile of its own: the first request is one already (Fork.Prepare sends an empty body), and a
// warm-up first only made that request wait for two compilations.
var compiler = new BodyCompilation();
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
