using System.Globalization;
using System.Text.RegularExpressions;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>An instructor's check that students never see: a file DIR/&lt;exercise id&gt;.&lt;name&gt;.cs whose code
/// ends in an expression of the course library's check API (`Exercise.Check("pipes.capacity.small", 1, () => …)`).
/// The grader runs it after that exercise's check cell, in the same notebook, with the same guards as a check
/// cell; it is worth the points it declares.</summary>
internal sealed partial record HiddenCheck(string Id, string Exercise, int Points, string Source)
{
    public static IReadOnlyList<HiddenCheck> Load(string? directory, IReadOnlyList<CourseNotebook> course)
    {
        if (directory is null) return [];
        var exercises = course.SelectMany(c => c.Exercises).Select(e => e.Id).ToList();
        var checks = new List<HiddenCheck>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.cs").Order(StringComparer.Ordinal))
        {
            var id = Path.GetFileNameWithoutExtension(file);
            var exercise = exercises.Where(e => id.StartsWith(e + ".", StringComparison.Ordinal)).MaxBy(e => e.Length)
                ?? throw new InvalidDataException($"hidden check {file}: its name must start with an exercise id and a dot (e.g. pipes.capacity.small.cs); the course's exercises: {string.Join(", ", exercises)}");
            var source = File.ReadAllText(file).Replace("\r\n", "\n").Trim();
            var declared = Declared().Match(source);
            if (!declared.Success || declared.Groups["id"].Value != id)
                throw new InvalidDataException($"hidden check {file}: it must call Exercise.Check(\"{id}\", POINTS, …) with its own file name as the id");
            checks.Add(new HiddenCheck(id, exercise, int.Parse(declared.Groups["points"].Value, CultureInfo.InvariantCulture), source));
        }
        return checks;
    }

    [GeneratedRegex("""Exercise\.Check\(\s*"(?<id>[^"]+)"\s*,\s*(?<points>\d+)""")]
    private static partial Regex Declared();
}
