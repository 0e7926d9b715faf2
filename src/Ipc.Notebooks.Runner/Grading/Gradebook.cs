using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>One line of a grade: an exercise (or a hidden check, or a file that could not be graded, with 0
/// possible points) and what it earned.</summary>
internal sealed record ExerciseGrade(string Id, double Earned, double Possible, string Status, string Message);

internal sealed record SubmissionGrade(string Student, string Submission, IReadOnlyList<ExerciseGrade> Exercises, double Seconds, long PeakMemoryBytes = 0)
{
    public double Earned => Exercises.Sum(e => e.Earned);
    public double Possible => Exercises.Sum(e => e.Possible);
}

/// <summary>The files a grading run writes: grades.json (the issue's exact shape), grades.csv (a row per student,
/// a column per exercise) and GitHub Classroom's autograding result.</summary>
internal static class Gradebook
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteJson(string path, IEnumerable<SubmissionGrade> grades)
    {
        var root = new JsonObject
        {
            ["submissions"] = new JsonArray([.. grades.Select(g => (JsonNode)new JsonObject
            {
                ["submission"] = g.Submission,
                ["earned"] = g.Earned,
                ["possible"] = g.Possible,
                ["exercises"] = new JsonArray([.. g.Exercises.Select(e => (JsonNode)new JsonObject
                {
                    ["id"] = e.Id,
                    ["earned"] = e.Earned,
                    ["possible"] = e.Possible,
                    ["status"] = e.Status,
                    ["message"] = e.Message,
                })]),
            })]),
        };
        File.WriteAllText(path, root.ToJsonString(Json) + "\n", new UTF8Encoding(false));
    }

    public static void WriteCsv(string path, IReadOnlyList<SubmissionGrade> grades)
    {
        var columns = grades.SelectMany(g => g.Exercises.Where(e => e.Possible > 0).Select(e => e.Id)).Distinct().ToList();
        var csv = new StringBuilder();
        csv.AppendJoin(',', new[] { "student", "submission", "earned", "possible" }.Concat(columns).Select(Quote)).Append('\n');
        foreach (var g in grades)
        {
            var cells = new List<string> { g.Student, g.Submission, Number(g.Earned), Number(g.Possible) };
            cells.AddRange(columns.Select(c => g.Exercises.FirstOrDefault(e => e.Id == c) is { } e ? Number(e.Earned) : ""));
            csv.AppendJoin(',', cells.Select(Quote)).Append('\n');
        }
        File.WriteAllText(path, csv.ToString(), new UTF8Encoding(false));
    }

    /// <summary>The autograding reporter's result for one runner. Its console log scores a runner as passed
    /// tests / all tests, while the total it sends to Classroom is the sum of the tests' scores over the sum of
    /// max_score. Both agree only when every test is worth the same: so an exercise of N points is N tests of one
    /// point each, all passing or all failing together.</summary>
    public static JsonObject Classroom(IReadOnlyList<SubmissionGrade> grades)
    {
        var tests = new JsonArray();
        foreach (var g in grades)
            foreach (var e in g.Exercises)
            {
                var points = (int)Math.Round(e.Possible);
                var prefix = grades.Count > 1 ? g.Student + ": " : "";
                for (var p = 1; p <= points; p++)
                    tests.Add(new JsonObject
                    {
                        ["name"] = points == 1 ? prefix + e.Id : $"{prefix}{e.Id} (point {p} of {points})",
                        ["status"] = e.Status == "passed" ? "pass" : e.Status == "error" ? "error" : "fail",
                        ["score"] = e.Status == "passed" ? 1 : 0,
                        ["message"] = e.Message,
                        ["line_no"] = 0,
                        ["execution_time"] = "0s",
                    });
            }
        var earned = grades.Sum(g => g.Earned);
        var possible = grades.Sum(g => g.Possible);
        var unusable = grades.Any(g => g.Exercises.Any(e => e.Possible == 0 && e.Status == "error"));
        return new JsonObject
        {
            ["version"] = 1,
            ["status"] = unusable && possible == 0 ? "error" : earned >= possible && !unusable ? "pass" : "fail",
            ["max_score"] = (int)Math.Round(possible),
            ["tests"] = tests,
        };
    }

    public static string ToJson(JsonNode node, bool indented = false) =>
        node.ToJsonString(indented ? Json : new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
