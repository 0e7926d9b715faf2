using System.Globalization;
using System.Text.RegularExpressions;
using Ipc.Notebooks.Runner.Notebooks;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>One exercise of a shipped notebook: its marker cell, the check cell right after it, and its points
/// (from the marker line, "(2 points)"). Indexes count all cells from 0.</summary>
internal sealed record CourseExercise(string Id, int Points, int MarkerCell, string MarkerLine, int CheckCell, string CheckSource);

/// <summary>A notebook as the course ships it (notebooks/): what the grader runs, with only the students'
/// answers put into its exercise cells, and what a submission is compared with.</summary>
internal sealed partial class CourseNotebook
{
    private CourseNotebook(string path, NotebookDocument document, IReadOnlyList<CourseExercise> exercises, IReadOnlyList<string> setUp)
    {
        Path = path;
        Document = document;
        Exercises = exercises;
        SetUpCells = setUp;
    }

    public string Path { get; }
    public string Name => System.IO.Path.GetFileName(Path);
    public NotebookDocument Document { get; }
    public IReadOnlyList<CourseExercise> Exercises { get; }

    /// <summary>The code cells up to and including the one that loads the course library with #r: a submission
    /// must keep them as they are.</summary>
    public IReadOnlyList<string> SetUpCells { get; }

    public static IReadOnlyList<CourseNotebook> LoadAll(string directory)
    {
        if (!Directory.Exists(directory)) throw new IOException($"the course's notebooks folder {directory} does not exist (give it with --course DIR)");
        var course = Directory.EnumerateFiles(directory, "*.ipynb").Order(StringComparer.Ordinal).Select(Load).Where(n => n.Exercises.Count > 0).ToList();
        if (course.Count == 0) throw new IOException($"no notebook with exercises in {directory} (give the course's notebooks folder with --course DIR)");
        return course;
    }

    public static CourseNotebook Load(string path)
    {
        var document = NotebookDocument.Load(path);
        var cells = document.Cells;
        var exercises = new List<CourseExercise>();
        var setUp = new List<string>();
        var library = false;
        for (var i = 0; i < cells.Count; i++)
        {
            if (NotebookDocument.CellType(cells[i]) != "code") continue;
            var source = Normalize(NotebookDocument.Source(cells[i]));
            if (!library)
            {
                setUp.Add(source);
                library = source.Contains("#r \"", StringComparison.Ordinal);
            }
            var line = FirstLine(source);
            if (AnswerSubstitution.ExerciseId(line) is not { } id) continue;
            var check = NextCode(cells, i + 1);
            if (check < 0) throw new InvalidDataException($"{path}: exercise {id} has no check cell after it");
            var points = Points().Match(line) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
            exercises.Add(new CourseExercise(id, points, i, line, check, Normalize(NotebookDocument.Source(cells[check]))));
        }
        return new CourseNotebook(System.IO.Path.GetFullPath(path), document, exercises, library ? setUp : []);
    }

    public static int NextCode(IReadOnlyList<System.Text.Json.Nodes.JsonObject> cells, int from)
    {
        for (var j = from; j < cells.Count; j++)
            if (NotebookDocument.CellType(cells[j]) == "code") return j;
        return -1;
    }

    /// <summary>Line ends and trailing white space do not count as a change (editors differ in both).</summary>
    public static string Normalize(string source) =>
        string.Join('\n', source.Replace("\r\n", "\n").Split('\n').Select(l => l.TrimEnd())).Trim('\n');

    public static string FirstLine(string source) => source.Split('\n')[0].TrimEnd('\r');

    [GeneratedRegex(@"\((\d+) points?\)")]
    private static partial Regex Points();
}
