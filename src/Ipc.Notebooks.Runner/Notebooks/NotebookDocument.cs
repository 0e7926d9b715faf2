using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Notebooks;

// An .ipynb kept as a JSON tree, so that everything this executor does not touch (notebook metadata such as
// kernelspec and polyglot_notebook, cell ids, cell metadata) is written back exactly as it was read.
internal sealed class NotebookDocument
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private NotebookDocument(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public IReadOnlyList<JsonObject> Cells => Root["cells"] is JsonArray cells ? [.. cells.OfType<JsonObject>()] : [];

    public static NotebookDocument Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} is not a JSON object"));

    public static NotebookDocument Parse(JsonObject root) => new(root);

    /// <summary>A copy to change (run, substitute answers into) while this one stays as it was.</summary>
    public NotebookDocument Clone() => new((JsonObject)Root.DeepClone());

    public void Save(string path) => File.WriteAllText(path, Root.ToJsonString(Indented) + "\n", new UTF8Encoding(false));

    public static string Source(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue text => (string?)text ?? "",
        _ => "",
    };

    public static void SetSource(JsonObject cell, string source)
    {
        // nbformat's list-of-lines form: each line keeps its "\n" except the last.
        var lines = new JsonArray();
        var start = 0;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] != '\n') continue;
            lines.Add(source[start..(i + 1)]);
            start = i + 1;
        }
        if (start < source.Length) lines.Add(source[start..]);
        cell["source"] = lines;
    }

    public static string CellType(JsonObject cell) => (string?)cell["cell_type"] ?? "";

    public static bool HasTag(JsonObject cell, string tag) =>
        cell["metadata"]?["tags"] is JsonArray tags && tags.Any(t => (string?)t == tag);

    public static string FirstLine(string source) =>
        source.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";

    // Polyglot lets a code cell switch itself to markdown with #!markdown; such a cell is text, not code.
    public static bool IsMarkdownMagic(string source) =>
        source.TrimStart().StartsWith("#!markdown", StringComparison.Ordinal) || source.TrimStart().StartsWith("#!md", StringComparison.Ordinal);
}
