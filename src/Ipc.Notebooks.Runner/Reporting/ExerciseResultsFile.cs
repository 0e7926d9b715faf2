using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Reporting;

// Reads what the course library's checks appended to $IPC_LAB_RESULTS: one JSON object per line. A check
// cell may run several times (a student re-runs it after fixing the answer), so the last report of an
// exercise counts. Lines that do not parse are skipped: a check killed mid-write must not void the others.
internal static class ExerciseResultsFile
{
    public static IReadOnlyList<ExerciseResult> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var byExercise = new Dictionary<string, ExerciseResult>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (Parse(line) is not { } result) continue;
            if (!byExercise.ContainsKey(result.Exercise)) order.Add(result.Exercise);
            byExercise[result.Exercise] = result;
        }
        return [.. order.Select(id => byExercise[id])];
    }

    private static ExerciseResult? Parse(string line)
    {
        try
        {
            if (JsonNode.Parse(line) is not JsonObject json || (string?)json["exercise"] is not { Length: > 0 } exercise) return null;
            return new ExerciseResult(
                exercise,
                Number(json["points"]),
                Number(json["earned"]),
                (string?)json["status"] ?? "unknown",
                (string?)json["message"]);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }

    private static double Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<double>(out var number) ? number : 0;
}
