using System.Globalization;
using Ipc.Lab.Experiments;

namespace Ipc.Lab.Visuals;

/// <summary>The comparison's tables and charts: round trips with C next to C# and the ratio, their
/// distributions, placement against mechanism, and throughput against message size.</summary>
public static class ComparisonViews
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One row per mechanism: C and C# medians and p99 pinned, then unpinned, with C#/C.</summary>
    public static Table RoundTrips(ComparisonResult r)
    {
        var rows = r.RoundTrips.GroupBy(x => x.Mechanism).Select(g =>
        {
            var p = g.First(x => x.Pinned);
            var u = g.First(x => !x.Pinned);
            return (IReadOnlyList<string>)
            [
                g.Key.Name, $"{g.Key.Payload} B",
                F(p.C?.Median), F(p.CSharp.Median), Ratio(p.Ratio), F(p.C?.P99), F(p.CSharp.P99),
                F(u.C?.Median), F(u.CSharp.Median), Ratio(u.Ratio), F(u.C?.P99), F(u.CSharp.P99),
            ];
        });
        return new Table(
            ["mechanism", "message", "pinned C", "pinned C#", "C#/C", "C p99", "C# p99", "unpinned C", "unpinned C#", "C#/C", "C p99", "C# p99"],
            rows,
            $"Round trip, µs: medians and 99th percentiles of {r.Trips:N0} round trips each; pinned = both processes on CPU {r.PinnedCpu}, " +
            $"unpinned = wherever the scheduler puts them ({Environment.ProcessorCount} CPUs). Load average {r.LoadAverage:0.00}. " +
            (r.CMissing ?? "C: notebooks/c/ipc_compare.c, gcc -O2, in the same run."));
    }

    /// <summary>MB/s per mechanism and message size, C next to C#, pinned then unpinned.</summary>
    public static Table Streams(ComparisonResult r) => new(
        ["mechanism", "message", "pinned C", "pinned C#", "C#/C", "unpinned C", "unpinned C#", "C#/C"],
        r.Streams.GroupBy(s => (s.Mechanism, s.Size)).Select(g =>
        {
            var p = g.First(x => x.Pinned);
            var u = g.First(x => !x.Pinned);
            return (IReadOnlyList<string>)[g.Key.Mechanism.Name, Size(g.Key.Size), F(p.C), F(p.CSharp), Ratio(p.Ratio), F(u.C), F(u.CSharp), Ratio(u.Ratio)];
        }),
        $"Streaming, MB/s (bytes per µs): one receive per message, the clock from the first message. {r.CMissing ?? "C and C# in the same run."}");

    /// <summary>The distribution of round trips at one placement, per mechanism: a dot at the median, a thick bar
    /// from the 25th to the 75th percentile, a thin whisker from the 1st to the 99th — a box plot drawn with
    /// error bars (the plotly.js bundle here has no box trace), on a log scale because the tails are long.</summary>
    public static Plot Distribution(ComparisonResult r, bool pinned)
    {
        var rows = r.RoundTrips.Where(x => x.Pinned == pinned).ToList();
        var traces = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var (language, color, pick) in new (string, string, Func<RoundTripRow, Percentiles?>)[]
                 { ("C", "#1f77b4", x => x.C), ("C#", "#d62728", x => x.CSharp) })
        {
            var shown = rows.Where(x => pick(x) is not null).ToList();
            if (shown.Count == 0) continue;
            var names = shown.Select(x => x.Mechanism.Name).ToArray();
            var p = shown.Select(x => pick(x)!).ToArray();
            double[] Of(Func<Percentiles, double> f) => p.Select(f).ToArray();
            traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
            {
                ["name"] = $"{language}: p1–p99", ["x"] = names, ["y"] = Of(q => q.Median), ["mode"] = "markers", ["legendgroup"] = language,
                ["marker"] = new Dictionary<string, object> { ["color"] = color, ["size"] = 1 },
                ["error_y"] = Bar(Of(q => q.P99 - q.Median), Of(q => q.Median - q.P1), color, 1, 6),
            }));
            traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
            {
                ["name"] = $"{language}: median, p25–p75", ["x"] = names, ["y"] = Of(q => q.Median), ["mode"] = "markers", ["legendgroup"] = language,
                ["marker"] = new Dictionary<string, object> { ["color"] = color, ["size"] = 9, ["symbol"] = "line-ew-open", ["line"] = new Dictionary<string, object> { ["width"] = 3, ["color"] = color } },
                ["error_y"] = Bar(Of(q => q.P75 - q.Median), Of(q => q.Median - q.P25), color, 10, 0),
            }));
        }
        return Figure.Chart(traces, new Dictionary<string, object?>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = $"Round trip, {(pinned ? $"pinned (both on CPU {r.PinnedCpu})" : "unpinned")}: median, p25–p75, p1–p99" },
            ["xaxis"] = Figure.Axis("mechanism"),
            ["yaxis"] = Figure.Axis("µs (log scale)", "log"),
            ["scattermode"] = "group",
            ["height"] = 480,
        });
    }

    /// <summary>Medians only: every mechanism pinned and unpinned, C and C#, side by side. Which moves the bar
    /// more — the mechanism or the placement?</summary>
    public static Plot Placement(ComparisonResult r)
    {
        var traces = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (bool pinned in new[] { true, false })
            foreach (var (language, pick) in new (string, Func<RoundTripRow, Percentiles?>)[] { ("C", x => x.C), ("C#", x => x.CSharp) })
            {
                var rows = r.RoundTrips.Where(x => x.Pinned == pinned && pick(x) is not null).ToList();
                if (rows.Count == 0) continue;
                traces.Add(Figure.Trace("bar", new Dictionary<string, object?>
                {
                    ["name"] = $"{language}, {(pinned ? "pinned" : "unpinned")}",
                    ["x"] = rows.Select(x => x.Mechanism.Name).ToArray(),
                    ["y"] = rows.Select(x => pick(x)!.Median).ToArray(),
                }));
            }
        return Figure.Chart(traces, new Dictionary<string, object?>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = "Median round trip: the mechanism against the placement" },
            ["xaxis"] = Figure.Axis("mechanism"),
            ["yaxis"] = Figure.Axis("µs"),
            ["barmode"] = "group",
            ["height"] = 450,
        });
    }

    /// <summary>MB/s against message size at one placement: C# solid, C dotted, one colour per mechanism.</summary>
    public static Plot Throughput(ComparisonResult r, bool pinned)
    {
        string[] palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];
        var traces = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var (g, i) in r.Streams.Where(s => s.Pinned == pinned).GroupBy(s => s.Mechanism).Select((g, i) => (g, i)))
        {
            var points = g.OrderBy(s => s.Size).ToList();
            string color = palette[i % palette.Length];
            traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
            {
                ["name"] = $"{g.Key.Name}, C#", ["x"] = points.Select(s => (double)s.Size).ToArray(), ["y"] = points.Select(s => s.CSharp).ToArray(),
                ["mode"] = "lines+markers", ["line"] = new Dictionary<string, object> { ["color"] = color },
            }));
            if (points.All(s => s.C is not null))
                traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
                {
                    ["name"] = $"{g.Key.Name}, C", ["x"] = points.Select(s => (double)s.Size).ToArray(), ["y"] = points.Select(s => s.C!.Value).ToArray(),
                    ["mode"] = "lines+markers", ["line"] = new Dictionary<string, object> { ["color"] = color, ["dash"] = "dot" },
                }));
        }
        return Figure.Chart(traces, new Dictionary<string, object?>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = $"Streaming against message size, {(pinned ? "pinned" : "unpinned")} (C# solid, C dotted)" },
            ["xaxis"] = Figure.Axis("message size (bytes, log scale)", "log"),
            ["yaxis"] = Figure.Axis("MB/s"),
            ["height"] = 480,
        });
    }

    private static Dictionary<string, object> Bar(double[] plus, double[] minus, string color, int thickness, int width) => new()
    {
        ["type"] = "data", ["symmetric"] = false, ["array"] = plus, ["arrayminus"] = minus,
        ["color"] = color, ["thickness"] = thickness, ["width"] = width,
    };

    private static string F(double? v) => v switch
    {
        null => "—",
        >= 100 => v.Value.ToString("0", Inv),
        >= 10 => v.Value.ToString("0.0", Inv),
        _ => v.Value.ToString("0.00", Inv),
    };

    private static string Ratio(double? v) => v is double d ? d.ToString("0.00", Inv) + "×" : "—";

    private static string Size(int bytes) => bytes >= 1024 ? $"{bytes / 1024} KiB" : $"{bytes} B";
}
