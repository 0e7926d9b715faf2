namespace Ipc.Lab.Visuals;

/// <summary>One named series of points for <see cref="Charts.Lines"/>.</summary>
public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)
{
    public static Series Of(string name, IEnumerable<(double X, double Y)> points)
    {
        var list = points.ToList();
        return new Series(name, list.Select(p => p.X).ToArray(), list.Select(p => p.Y).ToArray());
    }
}

/// <summary>Line charts of measured series: bytes in a pipe over time, throughput against write size.</summary>
public static class Charts
{
    public static Plot Lines(string title, string xTitle, string yTitle, IEnumerable<Series> series,
        bool logX = false, bool markers = false, IEnumerable<(double Y, string Label)>? guides = null)
    {
        var all = series.ToList();
        if (all.Count == 0) throw new ArgumentException("Give at least one series to draw.", nameof(series));
        var traces = all.Select(s => Figure.Trace("scatter", new Dictionary<string, object?>
        {
            ["name"] = s.Name, ["x"] = s.X, ["y"] = s.Y, ["mode"] = markers ? "lines+markers" : "lines",
        })).ToList();
        var shapes = new List<object>();
        var annotations = new List<object>();
        foreach (var (y, label) in guides ?? [])
        {
            // A dashed horizontal line across the whole plot (x in "paper" units): a limit the data runs into.
            shapes.Add(new Dictionary<string, object>
            {
                ["type"] = "line", ["xref"] = "paper", ["x0"] = 0, ["x1"] = 1, ["y0"] = y, ["y1"] = y,
                ["line"] = new Dictionary<string, object> { ["dash"] = "dash", ["color"] = "#757575", ["width"] = 1 },
            });
            annotations.Add(new Dictionary<string, object>
            {
                ["xref"] = "paper", ["x"] = 0, ["xanchor"] = "left", ["y"] = y, ["yanchor"] = "bottom", ["text"] = label, ["showarrow"] = false,
            });
        }
        return Figure.Chart(traces, new Dictionary<string, object?>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = title },
            ["xaxis"] = Figure.Axis(xTitle, logX ? "log" : null),
            ["yaxis"] = Figure.Axis(yTitle),
            ["shapes"] = shapes.Count > 0 ? shapes : null,
            ["annotations"] = annotations.Count > 0 ? annotations : null,
        });
    }

    public static Plot Line(string title, string xTitle, string yTitle, Series series, bool logX = false, bool markers = false,
        IEnumerable<(double Y, string Label)>? guides = null)
        => Lines(title, xTitle, yTitle, [series], logX, markers, guides);
}
