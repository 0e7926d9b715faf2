namespace Ipc.Lab.Visuals;

/// <summary>Builds plotly.js figures from plain property bags: plotly.js's JSON schema, set property by
/// property, is what the documentation of plotly.js describes. Null values are left out.</summary>
internal static class Figure
{
    /// <summary>A trace of the given plotly.js type ("scatter", "bar", ...) with these properties.</summary>
    public static System.Text.Json.Nodes.JsonObject Trace(string type, IReadOnlyDictionary<string, object?> properties)
    {
        var trace = Plot.Node(properties);
        trace["type"] = type;
        return trace;
    }

    public static Plot Chart(IEnumerable<System.Text.Json.Nodes.JsonObject> traces, IReadOnlyDictionary<string, object?> layout) =>
        new([.. traces], Plot.Node(layout));

    public static Dictionary<string, object> Axis(string title, string? type = null)
    {
        var axis = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = title } };
        if (type is not null) axis["type"] = type;
        return axis;
    }
}
