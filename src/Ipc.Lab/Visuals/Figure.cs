using Plotly.NET;

namespace Ipc.Lab.Visuals;

/// <summary>Builds Plotly.NET charts from plain property bags. Plotly.NET's own builders take F# optional
/// arguments, which C# sees as dozens of required FSharpOption parameters; plotly.js's JSON schema, set
/// property by property, is shorter and is what the documentation of plotly.js describes.</summary>
internal static class Figure
{
    /// <summary>A trace of the given plotly.js type ("scatter", "bar", ...) with these properties.</summary>
    public static Trace Trace(string type, IReadOnlyDictionary<string, object?> properties)
    {
        var trace = new Trace2D(type);
        foreach (var (key, value) in properties)
            if (value is not null) trace.SetProperty(key, value);
        return trace;
    }

    public static GenericChart Chart(IEnumerable<Trace> traces, IReadOnlyDictionary<string, object?> layout)
    {
        var chart = GenericChart.ofTraceObjects(true, traces);
        var l = new Layout();
        foreach (var (key, value) in layout)
            if (value is not null) l.SetProperty(key, value);
        return GenericChart.setLayout(l, chart);
    }

    public static Dictionary<string, object> Axis(string title, string? type = null)
    {
        var axis = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = title } };
        if (type is not null) axis["type"] = type;
        return axis;
    }
}
