using Ipc.Lab.Diagnostics;

namespace Ipc.Lab.Visuals;

/// <summary>A picture of an event trace: one row per process, a marker per event (hover for the detail), and
/// a thick bar wherever a process sat blocked in the kernel. Times are milliseconds since the first event, on
/// CLOCK_MONOTONIC, which parent and children share, so the rows line up.</summary>
public static class Timeline
{
    private static readonly (TraceKind Kind, string Colour, string Symbol)[] Styles =
    [
        (TraceKind.Spawned, "#7b1fa2", "star"),
        (TraceKind.Started, "#7b1fa2", "star-diamond"),
        (TraceKind.Wrote, "#1565c0", "triangle-right"),
        (TraceKind.Read, "#2e7d32", "triangle-left"),
        (TraceKind.Blocked, "#c62828", "square"),
        (TraceKind.Woke, "#ef6c00", "diamond"),
        (TraceKind.EndOfFile, "#000000", "x"),
        (TraceKind.Closed, "#6d4c41", "circle-open"),
        (TraceKind.Stdout, "#546e7a", "circle"),
        (TraceKind.Stderr, "#d81b60", "circle"),
        (TraceKind.Signal, "#fbc02d", "bowtie"),
        (TraceKind.Exited, "#424242", "cross"),
        (TraceKind.Note, "#9e9e9e", "circle-dot"),
    ];

    /// <summary>The timeline of these events, e.g. <c>Timeline.Of(EventTrace.Since(mark))</c>.</summary>
    public static Plot Of(IReadOnlyList<TraceEvent> events, string title = "What each process did")
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0) throw new ArgumentException("The trace is empty: take a mark with EventTrace.Mark() before the code to picture, and make sure EventTrace.Enabled is true.", nameof(events));
        var ordered = events.OrderBy(e => e.TimestampNs).ToList();
        long origin = ordered[0].TimestampNs;
        double Ms(long ns) => (ns - origin) / 1e6;
        // A pid can appear under two names (a child's Spawned event is recorded by the parent); label by pid.
        var rows = ordered.GroupBy(e => e.Pid).Select(g => (Pid: g.Key, Label: Label(g))).ToList();
        var rowOf = rows.ToDictionary(r => r.Pid, r => r.Label);

        var traces = new List<System.Text.Json.Nodes.JsonObject>();
        // A thin line per process from its first to its last event: a gap in the markers is then visibly a
        // process doing nothing we traced (sleeping, computing), not a process that was not there.
        var life = new Dictionary<string, object?>
        {
            ["name"] = "alive", ["mode"] = "lines", ["hoverinfo"] = "skip",
            ["x"] = rows.SelectMany(r => new double?[] { Ms(ordered.First(e => e.Pid == r.Pid).TimestampNs), Ms(ordered.Last(e => e.Pid == r.Pid).TimestampNs), null }).ToArray(),
            ["y"] = rows.SelectMany(r => new string?[] { r.Label, r.Label, null }).ToArray(),
            ["line"] = new Dictionary<string, object> { ["color"] = "#bdbdbd", ["width"] = 2 },
        };
        traces.Add(Figure.Trace("scatter", life));
        var blocked = BlockedIntervals(ordered).ToList();
        if (blocked.Count > 0)
        {
            // One trace for all intervals: plotly.js breaks a line at a null point.
            var x = new List<double?>();
            var y = new List<string?>();
            var text = new List<string?>();
            foreach (var (start, end, e) in blocked)
            {
                x.AddRange([Ms(start), Ms(end), null]);
                y.AddRange([rowOf[e.Pid], rowOf[e.Pid], null]);
                text.AddRange([e.Detail, e.Detail, null]);
            }
            traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
            {
                ["name"] = "blocked", ["mode"] = "lines", ["x"] = x, ["y"] = y, ["text"] = text, ["hoverinfo"] = "text+x",
                ["line"] = new Dictionary<string, object> { ["color"] = "rgba(198,40,40,0.30)", ["width"] = 16 },
            }));
        }
        foreach (var (kind, colour, symbol) in Styles)
        {
            var these = ordered.Where(e => e.Kind == kind).ToList();
            if (these.Count == 0) continue;
            traces.Add(Figure.Trace("scatter", new Dictionary<string, object?>
            {
                ["name"] = kind.ToString(), ["mode"] = "markers",
                ["x"] = these.Select(e => Ms(e.TimestampNs)).ToArray(),
                ["y"] = these.Select(e => rowOf[e.Pid]).ToArray(),
                ["text"] = these.Select(HoverText).ToArray(),
                ["hoverinfo"] = "text+x",
                ["marker"] = new Dictionary<string, object> { ["color"] = colour, ["symbol"] = symbol, ["size"] = 11 },
            }));
        }
        var yaxis = Figure.Axis("");
        yaxis["type"] = "category";
        yaxis["categoryorder"] = "array";
        yaxis["categoryarray"] = rows.Select(r => r.Label).Reverse().ToArray();
        return Figure.Chart(traces, new Dictionary<string, object?>
        {
            ["title"] = new Dictionary<string, object> { ["text"] = title },
            ["height"] = 260 + 60 * rows.Count,
            ["legend"] = new Dictionary<string, object> { ["orientation"] = "h", ["x"] = 0, ["y"] = 1.0, ["yanchor"] = "bottom" },
            ["margin"] = new Dictionary<string, object> { ["t"] = 110 },
            ["xaxis"] = Figure.Axis("time since the first event (ms)"),
            ["yaxis"] = yaxis,
            ["hovermode"] = "closest",
        });
    }

    private static string HoverText(TraceEvent e) => e.Kind is TraceKind.Stdout or TraceKind.Stderr
        // Output is stamped when the notebook receives the line, a little after the child printed it.
        ? $"{e.Process} printed (received at this time): {e.Detail}"
        : $"{e.Process}: {e.Detail}";

    private static string Label(IEnumerable<TraceEvent> ofOnePid)
    {
        // The name a process gives itself beats the name its parent's Spawned event used.
        var own = ofOnePid.FirstOrDefault(e => e.Kind is not (TraceKind.Spawned or TraceKind.Exited)) ?? ofOnePid.First();
        return own.Process;
    }

    /// <summary>From each Blocked event to the next event of the same process: the call returned then.</summary>
    private static IEnumerable<(long Start, long End, TraceEvent Blocked)> BlockedIntervals(List<TraceEvent> ordered)
    {
        for (int i = 0; i < ordered.Count; i++)
        {
            var b = ordered[i];
            if (b.Kind != TraceKind.Blocked) continue;
            var next = ordered.Skip(i + 1).FirstOrDefault(e => e.Pid == b.Pid && e.Kind != TraceKind.Spawned);
            yield return (b.TimestampNs, next?.TimestampNs ?? ordered[^1].TimestampNs, b);
        }
    }
}
