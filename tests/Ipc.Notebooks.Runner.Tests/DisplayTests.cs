using Ipc.Notebooks.Runner.Tests.Fixtures;
using Ipc.Notebooks.Runner.Tests.Infrastructure;
using static Ipc.Notebooks.Runner.Tests.Infrastructure.RunnerRun;

namespace Ipc.Notebooks.Runner.Tests;

// Values are shown as the .NET Interactive C# kernel shows them, including library types that bring their own
// HTML through the convention-based formatter mechanism, and the course library's charts.
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
    public void A_course_chart_renders_as_html_that_carries_plotly_js_once()
    {
        using var temp = new TempFolder();
        var notebook = new NotebookFile()
            .Code($"#r \"{Path.GetRelativePath(temp.Path, LabDll)}\"")
            .Code("""
                using Ipc.Lab.Visuals;
                Charts.Line("first", "x", "y", Series.Of("a", [(1, 3), (2, 1), (3, 2)]))
                """)
            .Code("""Charts.Line("second", "x", "y", Series.Of("b", [(1, 1), (2, 2)]))""")
            .SaveIn(temp.Path, "chart.ipynb");

        var run = Start(temp.Sub("out"), notebook);

        Assert.True(run.ExitCode == 0, run.Report);
        var first = Text(Single(run.Cell("chart.ipynb", 2), "execute_result")["data"]!["text/html"]);
        var second = Text(Single(run.Cell("chart.ipynb", 3), "execute_result")["data"]!["text/html"]);
        Assert.Contains("class=\"ipc-plot\"", first);
        Assert.Contains("Plotly.newPlot", first);
        Assert.Contains("\"type\":\"scatter\"", first);
        // plotly.js itself goes out with the first chart of the process only, and nothing is fetched from a network.
        Assert.Contains("data-ipc-plotly=", first);
        Assert.True(first.Length > 1_000_000, $"the first chart should inline plotly.js, but its HTML is {first.Length} characters");
        Assert.DoesNotContain("data-ipc-plotly=", second);
        Assert.True(second.Length < 10_000, $"the second chart should not inline plotly.js again, but its HTML is {second.Length} characters");
        Assert.DoesNotContain("src=\"http", first + second, StringComparison.OrdinalIgnoreCase);
    }

    private static System.Text.Json.Nodes.JsonNode Data(RunnerRun run, int cell) =>
        Single(run.Cell(Name, cell), "execute_result")["data"]!;
}
