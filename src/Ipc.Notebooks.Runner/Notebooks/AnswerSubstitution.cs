using System.Text.RegularExpressions;

namespace Ipc.Notebooks.Runner.Notebooks;

// Swaps the student's code in exercise cells for a file of the same exercise id, so a notebook can be run
// with reference solutions (tests) or with known wrong answers (tests of the checks) without editing it.
internal static partial class AnswerSubstitution
{
    public static int Apply(NotebookDocument notebook, string answersDirectory) => Apply(notebook, id =>
    {
        var answer = Path.Combine(answersDirectory, id + ".cs");
        return File.Exists(answer) ? File.ReadAllText(answer) : null;
    });

    /// <summary>Replaces the body of each exercise cell (its marker line stays) with <paramref name="answerFor"/>'s
    /// code for that exercise id; a null answer leaves the cell as it is. The grader uses it to put a student's
    /// answers into the course's own notebook.</summary>
    public static int Apply(NotebookDocument notebook, Func<string, string?> answerFor)
    {
        var replaced = 0;
        foreach (var cell in notebook.Cells.Where(c => NotebookDocument.CellType(c) == "code"))
        {
            var source = NotebookDocument.Source(cell);
            var firstLine = source.Split('\n')[0];
            if (ExerciseId(firstLine) is not { } id || answerFor(id) is not { } answer) continue;
            NotebookDocument.SetSource(cell, firstLine.TrimEnd('\r') + "\n" + answer.Replace("\r\n", "\n"));
            replaced++;
        }
        return replaced;
    }

    /// <summary>The exercise id of a marker line (`// ✏️ Exercise pipes.capacity — …`), or null.</summary>
    public static string? ExerciseId(string firstLine) =>
        Marker().Match(firstLine) is { Success: true } marker ? marker.Groups["id"].Value : null;

    /// <summary>The answer in an exercise cell: everything after its marker line.</summary>
    public static string Body(string source)
    {
        var newline = source.IndexOf('\n');
        return newline < 0 ? "" : source[(newline + 1)..];
    }

    [GeneratedRegex(@"^// ✏️ Exercise (?<id>[A-Za-z0-9_.-]+)\b")]
    private static partial Regex Marker();
}
