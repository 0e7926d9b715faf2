using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Reporting;

// <out>/results.json: the machine-readable outcome of a run, for CI and grading.
internal static class ResultsFile
{
    public static void Write(string path, IReadOnlyList<NotebookReport> reports)
    {
        var notebooks = new JsonArray();
        foreach (var report in reports)
        {
            notebooks.Add(new JsonObject
            {
                ["notebook"] = report.Name,
                ["source"] = report.SourcePath,
                ["executed"] = report.ExecutedPath,
                ["html"] = report.HtmlPath,
                ["passed"] = report.Passed,
                ["cells"] = new JsonObject
                {
                    ["ok"] = report.CellsOk,
                    ["failed"] = report.CellsFailed,
                    ["notRun"] = report.CellsNotRun,
                    ["skipped"] = report.CellsSkipped,
                },
                ["engine"] = report.Engine,
                ["seconds"] = Math.Round(report.Seconds, 2),
                ["firstResultSeconds"] = report.FirstResultSeconds is { } first ? Math.Round(first, 2) : null,
                ["failures"] = new JsonArray([.. report.Failures.Select(f => (JsonNode)new JsonObject
                {
                    ["cell"] = f.Cell,
                    ["firstLine"] = f.FirstLine,
                    ["message"] = f.Message,
                })]),
                ["points"] = new JsonObject { ["earned"] = report.PointsEarned, ["possible"] = report.PointsPossible },
                ["exercises"] = new JsonArray([.. report.Exercises.Select(e => (JsonNode)new JsonObject
                {
                    ["exercise"] = e.Exercise,
                    ["status"] = e.Status,
                    ["points"] = e.Points,
                    ["earned"] = e.Earned,
                    ["message"] = e.Message,
                })]),
            });
        }
        var root = new JsonObject
        {
            ["passed"] = reports.All(r => r.Passed),
            ["points"] = new JsonObject { ["earned"] = reports.Sum(r => r.PointsEarned), ["possible"] = reports.Sum(r => r.PointsPossible) },
            ["notebooks"] = notebooks,
        };
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }
}
