using System.Text.Encodings.Web;
using System.Text.Json;

namespace Ipc.Notebooks.Runner.Protocol;

// The runner and its worker exchange one JSON object per line (WorkerMessages); this is the only place that
// (de)serializes them.
internal sealed class JsonLines(TextWriter writer)
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly object _gate = new();

    public void Send<T>(T message) where T : class
    {
        var line = JsonSerializer.Serialize(message, Options);
        // Status replies come from another thread than cell results; a line must never be interleaved.
        lock (_gate)
        {
            writer.Write(line);
            writer.Write('\n');
            writer.Flush();
        }
    }

    /// <summary>The message on this line, or null when it is none (a stray line on the channel).</summary>
    public static T? Parse<T>(string line) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(line, Options);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            // No discriminator or an unknown one.
            return null;
        }
    }
}
