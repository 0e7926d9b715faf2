using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Protocol;

// The runner and its worker exchange one JSON object per line; this is the only place that (de)serializes them.
internal sealed class JsonLines(TextWriter writer)
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly object _gate = new();

    public void Send(JsonObject message)
    {
        var line = message.ToJsonString(Compact);
        // Status replies come from another thread than cell results; a line must never be interleaved.
        lock (_gate)
        {
            writer.Write(line);
            writer.Write('\n');
            writer.Flush();
        }
    }

    public static JsonObject? Parse(string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
