using System.Reflection;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;

namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

// One `dotnet Ipc.Notebooks.Runner.dll grade ...` as a real process, and the grades it wrote.
internal sealed class GradeRun
{
    public static readonly string RepoRoot = typeof(GradeRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepoRoot").Value!;
    public static readonly string CourseNotebooks = Path.Combine(RepoRoot, "notebooks");
    public static readonly string HiddenChecks = Path.Combine(RepoRoot, "tests", "Ipc.Notebooks.Runner.Tests", "HiddenChecks");
    public static readonly string Solutions = Path.Combine(RepoRoot, "tests", "Ipc.Notebooks.Tests", "Solutions");

    private GradeRun(ProcessResult process, string outDirectory)
    {
        Process = process;
        OutDirectory = outDirectory;
    }

    public ProcessResult Process { get; }
    public string OutDirectory { get; }
    public string Log => Process.Stdout + Process.Stderr;

    public static GradeRun Start(string outDirectory, TimeSpan limit, params string[] arguments) => Start(outDirectory, limit, [], null, arguments);

    /// <summary>The grader started through <paramref name="prefix"/> (e.g. setpriv, to grade as another user), with
    /// <paramref name="environment"/> added to its own.</summary>
    public static GradeRun Start(string outDirectory, TimeSpan limit, IReadOnlyList<string> prefix, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        Assert.True(File.Exists(RunnerRun.RunnerDll), $"runner not built at {RunnerRun.RunnerDll}");
        string[] command = [.. prefix, "dotnet", RunnerRun.RunnerDll, "grade", .. arguments, "--out", outDirectory];
        var process = BoundedProcess.Run(command[0], command.Skip(1), limit, environment: environment);
        return new GradeRun(process, outDirectory);
    }

    public JsonObject Grades
    {
        get
        {
            var path = Path.Combine(OutDirectory, "grades.json");
            Assert.True(File.Exists(path), $"the grader wrote no grades.json (exit code {Process.ExitCode}).\n{Log}");
            return (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;
        }
    }

    /// <summary>The grade of the submission whose path ends in <paramref name="name"/>.</summary>
    public JsonObject Submission(string name) =>
        Grades["submissions"]!.AsArray().OfType<JsonObject>().SingleOrDefault(s => ((string)s["submission"]!).EndsWith("/" + name, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no grade for {name} in grades.json.\n{Log}");

    public static JsonObject Exercise(JsonObject submission, string id) =>
        submission["exercises"]!.AsArray().OfType<JsonObject>().SingleOrDefault(e => (string?)e["id"] == id)
        ?? throw new Xunit.Sdk.XunitException($"no exercise {id} in {submission.ToJsonString()}");

    public string Feedback(string student) => File.ReadAllText(Path.Combine(OutDirectory, "feedback", student + ".html"));
}

// Student notebooks made from the course's own: a copy of a shipped notebook with answers put into its exercise
// cells by the grader's own AnswerSubstitution (as `run --answers` does), and optionally other cells changed.
internal static class Submissions
{
    public static NotebookDocument Course(string notebook) => NotebookDocument.Load(Path.Combine(GradeRun.CourseNotebooks, notebook));

    public static string Write(NotebookDocument notebook, string directory, string name)
    {
        var path = Path.Combine(directory, name);
        notebook.Save(path);
        return path;
    }

    public static NotebookDocument With(NotebookDocument course, Func<string, string?> answers)
    {
        var copy = course.Clone();
        AnswerSubstitution.Apply(copy, answers);
        return copy;
    }

    public static NotebookDocument WithSolutions(NotebookDocument course, string set) =>
        With(course, id => File.Exists(Path.Combine(GradeRun.Solutions, set, id + ".cs")) ? File.ReadAllText(Path.Combine(GradeRun.Solutions, set, id + ".cs")) : null);

    /// <summary>A course of one exercise for fast tests: the set-up cell of 01-pipes (loading the library by its
    /// absolute path) and pipes.capacity with its check cell, copied from the shipped notebook so they stay alike.</summary>
    public static string SmallCourse(string directory)
    {
        var pipes = Course("01-pipes.ipynb");
        var cells = pipes.Root["cells"]!.AsArray().OfType<JsonObject>().ToList();
        var code = cells.Where(c => (string?)c["cell_type"] == "code").ToList();
        var setUp = (JsonObject)code[0].DeepClone();
        NotebookDocument.SetSource(setUp, NotebookDocument.Source(setUp).Replace("\"../artifacts/lab/Ipc.Lab.dll\"", $"\"{RunnerRun.LabDll}\"", StringComparison.Ordinal));
        var marker = code.FindIndex(c => AnswerSubstitution.ExerciseId(NotebookDocument.Source(c).Split('\n')[0]) == "pipes.capacity");
        var small = pipes.Clone();
        small.Root["cells"] = new JsonArray(setUp, code[marker].DeepClone(), code[marker + 1].DeepClone());
        var dir = Directory.CreateDirectory(Path.Combine(directory, "course")).FullName;
        small.Save(Path.Combine(dir, "01-pipes.ipynb"));
        return dir;
    }

    /// <summary>Processes whose command line holds <paramref name="marker"/> and that have not exited.</summary>
    public static List<string> LiveProcesses(string marker)
    {
        var alive = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || pid == Environment.ProcessId) continue;
            try
            {
                var cmdline = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ').Trim();
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state != 'Z' && cmdline.Contains(marker, StringComparison.Ordinal)) alive.Add($"{pid} {cmdline}");
            }
            catch (IOException)
            {
            }
        }
        return alive;
    }
}
