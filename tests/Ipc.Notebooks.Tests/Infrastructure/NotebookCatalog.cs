using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>The course's notebooks and the exercises each declares. An exercise is an answer cell whose first
/// line is the marker the runner substitutes answers by, so a new notebook or exercise is tested without
/// anyone listing it here.</summary>
internal static partial class NotebookCatalog
{
    [GeneratedRegex(@"^// ✏️ Exercise (?<id>[A-Za-z0-9_.-]+) — .+ \((?<points>\d+) points?\): edit this cell, then run the check below\.$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^// ✏️ Exercise ")]
    private static partial Regex MarkerStart();

    public static IReadOnlyList<string> Names() =>
        [.. Directory.EnumerateFiles(Paths.NotebooksDir, "*.ipynb").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public static string PathOf(string notebook) => Path.Combine(Paths.NotebooksDir, notebook);

    /// <summary>The exercise ids, in notebook order. A marker line that starts right but does not follow the
    /// course format fails here, so a typo cannot silently drop an exercise from grading.</summary>
    public static IReadOnlyList<string> ExerciseIds(string notebook)
    {
        var ids = new List<string>();
        foreach (var cell in Cells(notebook).Where(c => (string?)c["cell_type"] == "code"))
        {
            var firstLine = Source(cell).Split('\n')[0].TrimEnd('\r');
            if (!MarkerStart().IsMatch(firstLine)) continue;
            var match = Marker().Match(firstLine);
            Assert.True(match.Success, $"{notebook}: answer-cell marker not in the course format: {firstLine}");
            ids.Add(match.Groups["id"].Value);
        }
        Assert.True(ids.Distinct().Count() == ids.Count, $"{notebook}: an exercise id appears twice: {string.Join(", ", ids)}");
        return ids;
    }

    public static IReadOnlyList<JsonObject> Cells(string notebook) =>
        [.. ((JsonObject)JsonNode.Parse(File.ReadAllText(PathOf(notebook)))!)["cells"]!.AsArray().OfType<JsonObject>()];

    public static string Source(JsonObject cell) => Text(cell["source"]);

    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue text => (string?)text ?? "",
        _ => "",
    };
}
