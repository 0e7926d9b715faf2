using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Formatting;
using Ipc.Notebooks.Runner.Notebooks;
using Markdig;

namespace Ipc.Notebooks.Runner.Export;

// A static page of an executed notebook that opens offline: markdown rendered, code and its outputs shown,
// charts drawn by the plotly.js copied into the same folder. No CDN, no network.
internal static class HtmlExporter
{
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        .cell { margin: 1em 0; }
        .code pre.source { background: #f5f5f5; border-left: 3px solid #6a8ec9; padding: .6em; overflow-x: auto; }
        .prompt { color: #888; font-size: .8em; }
        .output { margin: .3em 0 .3em 1em; overflow-x: auto; }
        .output pre { margin: 0; white-space: pre-wrap; }
        .stderr pre { color: #a15c00; }
        .error pre { background: #fdecea; color: #8b1a10; padding: .4em; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; }
        """;

    public static void Write(NotebookDocument notebook, string title, string path)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Encode(title)).Append("</title>\n")
            .Append("<style>").Append(Style).Append("</style>\n")
            // No script here: a chart's own HTML brings plotly.js (the first chart of a notebook inlines it).
            .Append("</head>\n<body>\n");
        foreach (var cell in notebook.Cells)
        {
            var source = NotebookDocument.Source(cell);
            switch (NotebookDocument.CellType(cell))
            {
                case "markdown":
                    html.Append("<div class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(source, Markdown)).Append("</div>\n");
                    break;
                case "code" when NotebookDocument.IsMarkdownMagic(source):
                    var text = source[(source.IndexOf('\n') is var n and >= 0 ? n + 1 : source.Length)..];
                    html.Append("<div class=\"cell markdown\">").Append(Markdig.Markdown.ToHtml(text, Markdown)).Append("</div>\n");
                    break;
                case "code":
                    WriteCode(html, cell, source);
                    break;
            }
        }
        html.Append("</body>\n</html>\n");
        File.WriteAllText(path, html.ToString(), new UTF8Encoding(false));
    }

    private static void WriteCode(StringBuilder html, JsonObject cell, string source)
    {
        var count = cell["execution_count"] is JsonValue value ? value.ToString() : " ";
        html.Append("<div class=\"cell code\"><div class=\"prompt\">[").Append(count).Append("]</div>")
            .Append("<pre class=\"source\"><code class=\"language-csharp\">").Append(Encode(source)).Append("</code></pre>\n");
        foreach (var output in cell["outputs"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            switch ((string?)output["output_type"])
            {
                case "stream":
                    html.Append("<div class=\"output ").Append((string?)output["name"] == "stderr" ? "stderr" : "stdout").Append("\"><pre>")
                        .Append(Encode(Text(output["text"]))).Append("</pre></div>\n");
                    break;
                case "display_data" or "execute_result":
                    var data = output["data"] as JsonObject;
                    if (data?[ValueFormatter.Html] is { } markup) html.Append("<div class=\"output\">").Append(Text(markup)).Append("</div>\n");
                    else if (data?[ValueFormatter.Plain] is { } plain) html.Append("<div class=\"output\"><pre>").Append(Encode(Text(plain))).Append("</pre></div>\n");
                    break;
                case "error":
                    var traceback = string.Join("\n", output["traceback"]?.AsArray().Select(l => (string?)l) ?? []);
                    html.Append("<div class=\"output error\"><pre>").Append(Encode($"{(string?)output["ename"]}: {(string?)output["evalue"]}"));
                    if (traceback.Length > 0) html.Append('\n').Append(Encode(traceback));
                    html.Append("</pre></div>\n");
                    break;
            }
        }
        html.Append("</div>\n");
    }

    // nbformat allows multi-line strings either as one string or as a list of lines.
    private static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue text => (string?)text ?? "",
        _ => "",
    };

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
