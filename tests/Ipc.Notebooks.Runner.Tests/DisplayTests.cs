using Ipc.Notebooks.Runner.Tests.Fixtures;
using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// Values are shown as the .NET Interactive C# kernel shows them, including library types that bring their own
// HTML through the convention-based formatter mechanism, and Plotly.NET charts.
public sealed class DisplayTests
{
    private const string Name = "display.ipynb";

    // Like the real kernel, System.IO is not among the default imports: cells that use TextWriter say so.
    [Fact]
    public void Values_of_every_kind_are_formatted_like_the_kernel_does()
    {
        using var temp = new TempFolder();
        var fixture = Path.GetRelativePath(temp.Path, typeof(Greeting).Assembly.Location);
        var notebook = new NotebookFile()
            .Code("display(\"plain words\");\n42")
            .Code("new { A = 1, B = \"two\" }")
            .Code("record Point(int X, string Label);\nnew Point(3, \"p\")")
            .Code("new List<Point> { new(1, \"a\"), new(2, \"b\") }")
            .Code("""
                using System.IO;
                using System.Text.Encodings.Web;
                interface IHtmlContent { void WriteTo(TextWriter writer, HtmlEncoder encoder); }
                class Bold : IHtmlContent { public void WriteTo(TextWriter writer, HtmlEncoder encoder) => writer.Write("<b>bold</b>"); }
                new Bold()
                """)
            .Code("""
                using System.IO;
                class TypeFormatterSourceAttribute(Type source) : Attribute { public Type FormatterSourceType => source; public string[]? PreferredMimeTypes { get; set; } }
                class GaugeHtml { public string MimeType => "text/html"; public bool Format(object instance, TextWriter writer) { writer.Write($"<meter value=\"{((Gauge)instance).Level}\"></meter>"); return true; } }
                class GaugeSource { public IEnumerable<object> CreateTypeFormatters() { yield return new GaugeHtml(); } }
                [TypeFormatterSource(typeof(GaugeSource))] class Gauge { public int Level { get; init; } }
                new Gauge { Level = 3 }
                """)
            .Code($"#r \"{fixture}\"\nnew Ipc.Notebooks.Runner.Tests.Fixtures.Greeting(\"world\").Display();\nstring? nothing = null;\nnothing")
            .Code("var hidden = 5;")
            .SaveIn(temp.Path, Name);

        var run = Start(temp.Sub("out"), notebook);

        Assert.True(run.ExitCode == 0, run.Report);
        var first = Outputs(run.Cell(Name, 1));
        Assert.Equal("display_data", (string?)first[0]["output_type"]);
        Assert.Equal("plain words", Text(first[0]["data"]!["text/plain"]));
        Assert.Null(first[0]["data"]!["text/html"]);
        Assert.Equal("42", Text(first[1]["data"]!["text/plain"]));

        var anonymous = Data(run, 2);
        Assert.Contains("<td>A</td><td>1</td>", Text(anonymous["text/html"]));
        Assert.Equal("{ A = 1, B = two }", Text(anonymous["text/plain"]));

        var record = Data(run, 3);
        Assert.Contains("<td>Label</td><td>p</td>", Text(record["text/html"]));
        Assert.Equal("Point { X = 3, Label = p }", Text(record["text/plain"]));

        var list = Text(Data(run, 4)["text/html"]);
        Assert.Contains("<th>X</th><th>Label</th>", list);
        Assert.Contains("<td>1</td><td>2</td><td>b</td>", list);

        Assert.Equal("<b>bold</b>", Text(Data(run, 5)["text/html"]));
        Assert.Equal("<meter value=\"3\"></meter>", Text(Data(run, 6)["text/html"]));

        var greeting = Outputs(run.Cell(Name, 7));
        Assert.Equal("<em class=\"greeting\">Hello, world</em>", Text(greeting[0]["data"]!["text/html"]));
        Assert.Equal("<null>", Text(greeting[1]["data"]!["text/plain"]));
        Assert.Empty(Outputs(run.Cell(Name, 8)));
    }

    [Fact]
    public void A_plotly_chart_renders_as_html_that_loads_the_shipped_plotly_js()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code("""
                #r "nuget: Plotly.NET.Interactive, 6.0.0"
                var trace = new Plotly.NET.Trace2D("scatter");
                trace.SetProperty("x", new[] { 1, 2, 3 });
                trace.SetProperty("y", new[] { 3, 1, 2 });
                Plotly.NET.GenericChart.ofTraceObject(true, trace)
                """)
            .SaveIn(temp.Path, "chart.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.True(run.ExitCode == 0, run.Report);
        var html = Text(Single(run.Cell("chart.ipynb", 1), "execute_result")["data"]!["text/html"]);
        Assert.Contains("plotly-2.28.0.min.js", html);
        Assert.Contains("Plotly.newPlot", html);
        Assert.Contains("\"type\":\"scatter\"", html);
        Assert.DoesNotContain("cdn", html, StringComparison.OrdinalIgnoreCase);
        var script = new FileInfo(Path.Combine(run.OutDirectory, "plotly-2.28.0.min.js"));
        Assert.True(script.Exists && script.Length > 1_000_000, "plotly.js is copied next to the executed notebook");
    }

    private static System.Text.Json.Nodes.JsonNode Data(RunnerRun run, int cell) =>
        Single(run.Cell(Name, cell), "execute_result")["data"]!;
}
