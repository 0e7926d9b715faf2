using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Lab.Visuals;

/// <summary>A chart: plotly.js's own figure (data and layout, as its JSON schema documents them) that renders
/// itself as HTML in any notebook front end — VS Code, Jupyter, an exported page — with no network and no
/// charting package. The library used to build charts with Plotly.NET; its FSharp.Core is newer than the one
/// the .NET Interactive kernel ships, so in the kernel students run no chart could load. The figure is plain
/// JSON, so nothing here can clash with whatever the kernel brings.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Plot : IHtmlRenderable
{
    /// <summary>The plotly.js build drawn with (embedded in this assembly at build time; see Ipc.Lab.csproj).</summary>
    public const string PlotlyVersion = "3.7.0";

    private const string ScriptResource = "plotly-basic.min.js";

    // Set once the plotly.js source has gone out with a chart: every front end shows a notebook's outputs in
    // one page (VS Code's output webview, Jupyter's document, an exported HTML file), so later charts find
    // window.Plotly there. Inlining it everywhere would add a megabyte to every chart.
    private static int _scriptSent;

    private static readonly JsonSerializerOptions Json = new()
    {
        // A measurement may be NaN or infinite; plotly.js leaves a gap where a value is not a number.
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    internal Plot(IReadOnlyList<JsonObject> traces, JsonObject layout)
    {
        Traces = traces;
        Layout = layout;
    }

    /// <summary>The traces, one JSON object each, as plotly.js takes them.</summary>
    public IReadOnlyList<JsonObject> Traces { get; }

    /// <summary>The layout (title, axes, size), as plotly.js takes it.</summary>
    public JsonObject Layout { get; }

    public string Title => (string?)Layout["title"]?["text"] ?? "";

    /// <summary>The figure as plotly.js's JSON: {"data": [...], "layout": {...}}.</summary>
    public string ToJson() => new JsonObject
    {
        ["data"] = new JsonArray([.. Traces.Select(t => t.DeepClone())]),
        ["layout"] = Layout.DeepClone(),
    }.ToJsonString();

    public override string ToString() => $"Plot \"{Title}\": {Traces.Count} trace(s) — {string.Join(", ", Traces.Select(t => (string?)t["name"] ?? (string?)t["type"]))}";

    public string ToHtml()
    {
        var id = "ipc-plot-" + Guid.NewGuid().ToString("N");
        var height = (double?)Layout["height"] ?? 450;
        var html = new StringBuilder();
        html.Append($"<div class=\"ipc-plot\" id=\"{id}\" style=\"width:100%;min-height:{height:0}px\"></div>\n");
        if (Interlocked.Exchange(ref _scriptSent, 1) == 0) html.Append(ScriptTag());
        // "</" inside a <script> ends it early in HTML; "<\/" is the same JSON string.
        var figure = ToJson().Replace("</", "<\\/", StringComparison.Ordinal);
        html.Append($$"""
            <script type="text/javascript">
            (function () {
              var figure = {{figure}};
              var tries = 0;
              function draw() {
                var element = document.getElementById('{{id}}');
                if (!element) return;
                if (window.Plotly) { window.Plotly.newPlot(element, figure.data, figure.layout, { responsive: true, displaylogo: false }); return; }
                // plotly.js arrives with the first chart this kernel drew; wait a little for it, then say so.
                if (++tries < 50) { setTimeout(draw, 100); return; }
                element.textContent = 'This chart needs plotly.js {{PlotlyVersion}}, which came with the first chart this kernel drew, and this page does not have it. Run the notebook again from the top (or restart the kernel and run all cells) to see the chart.';
              }
              draw();
            })();
            </script>
            """);
        return html.ToString();
    }

    /// <summary>plotly.js itself, wrapped so that it always defines window.Plotly: Jupyter pages may define an
    /// AMD `define` or a CommonJS `module`, and a bundle that sees one registers there instead.</summary>
    private static string ScriptTag()
    {
        using var stream = typeof(Plot).Assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"Ipc.Lab.dll was built without {ScriptResource}: rebuild it with `dotnet build` in the repository root.");
        using var reader = new StreamReader(stream);
        var source = reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
        return $"<script type=\"text/javascript\" data-ipc-plotly=\"{PlotlyVersion}\">\nif (!window.Plotly) {{ (function (define, module, exports) {{\n{source}\n}}).call(window); }}\n</script>\n";
    }

    internal static JsonObject Node(IReadOnlyDictionary<string, object?> properties)
    {
        var node = new JsonObject();
        foreach (var (key, value) in properties)
            if (value is not null) node[key] = JsonSerializer.SerializeToNode(value, value.GetType(), Json);
        return node;
    }

    /// <summary>For tests: forget that the script went out, as a fresh kernel process would have.</summary>
    internal static void ForgetScriptSent() => Interlocked.Exchange(ref _scriptSent, 0);
}
