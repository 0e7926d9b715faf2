using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

// Writes notebooks the way Polyglot does (nbformat 4.5, its metadata on the notebook and on every code cell),
// so the runner is tested on the same shape it meets in notebooks/.
internal sealed class NotebookFile
{
    private readonly JsonArray _cells = [];

    public NotebookFile Markdown(string source) => Add("markdown", source, []);

    public NotebookFile Code(string source, params string[] tags) => Add("code", source, tags);

    public string SaveIn(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        var notebook = new JsonObject
        {
            ["cells"] = _cells.DeepClone(),
            ["metadata"] = Metadata(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(path, notebook.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return path;
    }

    public static JsonObject Metadata() => new()
    {
        ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
        ["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" },
        ["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        },
    };

    private NotebookFile Add(string type, string source, string[] tags)
    {
        var lines = source.Split('\n');
        var cell = new JsonObject
        {
            ["cell_type"] = type,
            ["id"] = $"cell-{_cells.Count + 1}",
            ["metadata"] = type == "code"
                ? new JsonObject
                {
                    ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" },
                    ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                }
                : new JsonObject(),
            ["source"] = new JsonArray([.. lines.Select((l, i) => (JsonNode)(i < lines.Length - 1 ? l + "\n" : l))]),
        };
        if (tags.Length > 0) cell["metadata"]!["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
        if (type == "code")
        {
            cell["execution_count"] = null;
            cell["outputs"] = new JsonArray();
        }
        _cells.Add(cell);
        return this;
    }
}
