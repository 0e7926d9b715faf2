using System.Text.Json;
using Ipc.Lab.Compiler;

// The body compiler: reads one JSON request per line on stdin, answers one JSON line on stdout. Started and
// kept warm by Ipc.Lab (BodyCompiler), so that Roslyn is never loaded into a notebook's kernel.
var compiler = new BodyCompilation();
compiler.WarmUp();
var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
using var stdout = Console.OpenStandardOutput();
string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    Response response;
    try
    {
        var request = JsonSerializer.Deserialize<Request>(line, json)!;
        response = compiler.Compile(request);
    }
    catch (Exception e)
    {
        response = new Response(false, [new Error("IPC0001", $"The body compiler failed: {e.GetType().Name}: {e.Message}", 1, 1)]);
    }
    var bytes = JsonSerializer.SerializeToUtf8Bytes(response);
    stdout.Write(bytes);
    stdout.WriteByte((byte)'\n');
    stdout.Flush();
}
