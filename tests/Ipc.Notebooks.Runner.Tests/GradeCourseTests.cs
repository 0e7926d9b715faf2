using System.Text;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>The real 01-pipes notebook graded three times in one run: solved with the reference solutions, as
/// shipped (unsolved), and with the wrong solutions (tests/Ipc.Notebooks.Tests/Solutions), with the hidden check of
/// tests/…/HiddenChecks, and in GitHub Classroom's format.</summary>
public sealed class GradeCourseTests(GradeCourseTests.CourseRun run) : IClassFixture<GradeCourseTests.CourseRun>
{
    public sealed class CourseRun : IDisposable
    {
        private readonly TempFolder _temp = new();

        public CourseRun()
        {
            var course = Submissions.Course("01-pipes.ipynb");
            Exercises = [.. NotebookCatalogIds(course)];
            // Each answer cell's marker says its points: "// ✏️ Exercise pipes.capacity — … (3 points): edit …".
            Points = course.Cells.Select(c => System.Text.RegularExpressions.Regex.Match(Ipc.Notebooks.Runner.Notebooks.NotebookDocument.Source(c).Split('\n')[0], @"^// ✏️ Exercise \S+ .*\((\d+) points?\)"))
                .Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value));
            var dir = _temp.Sub("class");
            var solved = Submissions.Write(Submissions.WithSolutions(course, "Reference"), dir, "solved.ipynb");
            var unsolved = Submissions.Write(course.Clone(), dir, "unsolved.ipynb");
            var wrong = Submissions.Write(Submissions.WithSolutions(course, "Wrong"), dir, "wrong.ipynb");
            Run = GradeRun.Start(_temp.Sub("out"), TimeSpan.FromMinutes(10),
                solved, unsolved, wrong, "--course", GradeRun.CourseNotebooks, "--hidden", GradeRun.HiddenChecks, "--jobs", "2", "--format", "classroom", "--cell-timeout", "120");
        }

        internal GradeRun Run { get; }
        public List<string> Exercises { get; }

        /// <summary>The points the course notebook's answer cells announce, all exercises together.</summary>
        public int Points { get; }

        public void Dispose() => _temp.Dispose();

        private static IEnumerable<string> NotebookCatalogIds(Ipc.Notebooks.Runner.Notebooks.NotebookDocument course) =>
            course.Cells.Select(c => Ipc.Notebooks.Runner.Notebooks.AnswerSubstitution.ExerciseId(Ipc.Notebooks.Runner.Notebooks.NotebookDocument.Source(c).Split('\n')[0]))
                .OfType<string>();
    }

    private IEnumerable<JsonObject> Lines(string student) => run.Run.Submission(student + ".ipynb")["exercises"]!.AsArray().OfType<JsonObject>();

    [Fact]
    public void The_reference_solutions_get_full_points_including_the_hidden_check()
    {
        Assert.True(run.Run.Process.ExitCode == 0, run.Run.Log);
        var solved = run.Run.Submission("solved.ipynb");
        Assert.Equal(run.Exercises.Count + 1, Lines("solved").Count());
        foreach (var line in Lines("solved"))
            Assert.True((string?)line["status"] == "passed" && (double)line["earned"]! == (double)line["possible"]!, $"{line.ToJsonString()}\n{run.Run.Log}");
        Assert.Equal((double)solved["possible"]!, (double)solved["earned"]!);
        Assert.True(run.Points >= 8, $"the answer cells of 01-pipes announce {run.Points} points");
        Assert.Equal(run.Points + 1, (double)solved["possible"]!);   // and 1 for the hidden check
    }

    [Fact]
    public void The_notebook_as_shipped_gets_nothing()
    {
        Assert.Equal(0, (double)run.Run.Submission("unsolved.ipynb")["earned"]!);
        foreach (var line in Lines("unsolved").Where(l => run.Exercises.Contains((string)l["id"]!)))
            Assert.Equal("not-solved", (string?)line["status"]);
    }

    [Fact]
    public void The_wrong_solutions_get_nothing_for_their_exercises()
    {
        foreach (var line in Lines("wrong"))
            Assert.True((string?)line["status"] == "failed" && (double)line["earned"]! == 0, $"{line.ToJsonString()}\n{run.Run.Log}");
    }

    [Fact]
    public void The_classroom_result_parses_in_the_reporters_format_and_adds_up_to_grades_json()
    {
        var text = File.ReadAllText(Path.Combine(run.Run.OutDirectory, "classroom.json"));
        // What the workflow passes on: base64 of the JSON, decoded as the reporter does.
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(Convert.ToBase64String(Encoding.UTF8.GetBytes(text))));
        var result = (JsonObject)JsonNode.Parse(decoded)!;
        Assert.Equal(1, (int)result["version"]!);
        Assert.Contains((string?)result["status"], new[] { "pass", "fail", "error" });
        var tests = result["tests"]!.AsArray().OfType<JsonObject>().ToList();
        foreach (var test in tests)
        {
            Assert.False(string.IsNullOrEmpty((string?)test["name"]));
            Assert.Contains((string?)test["status"], new[] { "pass", "fail", "error" });
            Assert.NotNull(test["message"]);
            Assert.True((double)test["score"]! is 0 or 1);
        }
        var grades = run.Run.Grades["submissions"]!.AsArray().OfType<JsonObject>().ToList();
        // Classroom: sum of scores over max_score. The reporter's log: passed tests over all tests. Both must say
        // what grades.json says.
        Assert.Equal(grades.Sum(g => (double)g["possible"]!), (double)result["max_score"]!);
        Assert.Equal(grades.Sum(g => (double)g["earned"]!), tests.Sum(t => (double)t["score"]!));
        Assert.Equal(grades.Sum(g => (double)g["earned"]!), tests.Count(t => (string?)t["status"] == "pass"));
        Assert.Equal(grades.Sum(g => (double)g["possible"]!), tests.Count);
    }
}
