using Plotly.NET;

namespace Ipc.Notebooks.Runner.Formatting;

// GenericChart → text/html, standing in for Plotly.NET.Interactive (which cannot be restored here). The
// chart loads plotly.js from the file copied next to the executed notebook, so pages work offline.
internal static class PlotlyChartHtml
{
    public const string ScriptFileName = "plotly-2.28.0.min.js";
    public const string ScriptResourceName = "Plotly.NET." + ScriptFileName;

    public static string? TryFormat(object value)
    {
        if (value is not GenericChart chart) return null;
        var id = "plotly-" + Guid.NewGuid().ToString("N");
        // "</" inside a <script> ends it early; "<\/" is the same JSON string.
        var figure = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        return $$"""
            <div id="{{id}}" class="ipc-plotly-chart"></div>
            <script type="text/javascript">
            (function () {
              var figure = {{figure}};
              var draw = function () { Plotly.newPlot('{{id}}', figure.data, figure.layout, figure.config || {}); };
              if (window.Plotly) { draw(); return; }
              var script = document.createElement('script');
              script.src = '{{ScriptFileName}}';
              script.onload = draw;
              document.head.appendChild(script);
            })();
            </script>
            """;
    }

    public static void CopyScriptTo(string directory)
    {
        var target = Path.Combine(directory, ScriptFileName);
        if (File.Exists(target)) return;
        using var resource = typeof(GenericChart).Assembly.GetManifestResourceStream(ScriptResourceName)
            ?? throw new InvalidOperationException($"Plotly.NET no longer embeds {ScriptResourceName}; update {nameof(PlotlyChartHtml)}.");
        using var file = File.Create(target);
        resource.CopyTo(file);
    }
}
