using System.Text;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Worker;

// Collects one cell's outputs in the order they happened, as nbformat output objects: text written to
// Console becomes `stream` outputs, display(...) calls interleave as `display_data`, as in Jupyter.
internal sealed class CellCapture
{
    private readonly object _gate = new();
    private readonly List<JsonObject> _outputs = [];
    private readonly StringBuilder _pending = new();
    private string? _pendingStream;
    private long _written;
    private bool _truncated;

    /// <summary>Characters of stream output kept per cell; what comes after is dropped with a note, so a cell that
    /// floods its output can neither fill the worker's memory nor the executed notebook.</summary>
    public static long MaxChars { get; set; } = 4 * 1024 * 1024;

    public void Write(string streamName, string text)
    {
        if (text.Length == 0) return;
        lock (_gate)
        {
            if (_truncated) return;
            _written += text.Length;
            if (_written > MaxChars)
            {
                _truncated = true;
                text = text[..(int)Math.Max(0, text.Length - (_written - MaxChars))] +
                       $"\n… output truncated: this cell wrote more than {MaxChars:N0} characters; the rest was dropped.\n";
            }
            if (_pendingStream != streamName) FlushPending();
            _pendingStream = streamName;
            _pending.Append(text);
        }
    }

    public void Add(JsonObject output)
    {
        lock (_gate)
        {
            FlushPending();
            _outputs.Add(output);
        }
    }

    public List<JsonObject> Complete()
    {
        lock (_gate)
        {
            FlushPending();
            return [.. _outputs];
        }
    }

    // What a stuck cell has printed so far, for the timeout report: without it the last words of a
    // killed worker would be lost with the process.
    public string TextSoFar(int maxChars)
    {
        lock (_gate)
        {
            var text = new StringBuilder();
            foreach (var output in _outputs)
                if ((string?)output["output_type"] == "stream") text.Append((string?)output["text"]);
            text.Append(_pending);
            return text.Length <= maxChars ? text.ToString() : "…" + text.ToString(text.Length - maxChars, maxChars);
        }
    }

    private void FlushPending()
    {
        if (_pendingStream is null || _pending.Length == 0) return;
        // Adjacent writes to the same stream are one output, so a loop of Console.Write calls reads as one block.
        if (_outputs.Count > 0 && _outputs[^1] is { } last && (string?)last["output_type"] == "stream" && (string?)last["name"] == _pendingStream)
            last["text"] = (string?)last["text"] + _pending.ToString();
        else
            _outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = _pendingStream, ["text"] = _pending.ToString() });
        _pending.Clear();
        _pendingStream = null;
    }
}
