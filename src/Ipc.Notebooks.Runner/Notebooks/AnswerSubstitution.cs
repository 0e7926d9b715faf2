using System.Text.RegularExpressions;

namespace Ipc.Notebooks.Runner.Notebooks;

// Swaps the student's code in exercise cells for a file of the same exercise id, so a notebook can be run
// with reference solutions (tests) or with known wrong answers (tests of the checks) without editing it.
internal static partial class AnswerSubstitution
{
    public static int Apply(NotebookDocument notebook, string answersDirectory)
    {
        var replaced = 0;
        foreach (var cell in notebook.Cells.Where(c => NotebookDocument.CellType(c) == "code"))
        {
            var source = NotebookDocument.Source(cell);
            var firstLine = source.Split('\n')[0];
            if (Marker().Match(firstLine) is not { Success: true } marker) continue;
            var answer = Path.Combine(answersDirectory, marker.Groups["id"].Value + ".cs");
            if (!File.Exists(answer)) continue;
            NotebookDocument.SetSource(cell, firstLine.TrimEnd('\r') + "\n" + File.ReadAllText(answer).Replace("\r\n", "\n"));
            replaced++;
        }
        return replaced;
    }

    [GeneratedRegex(@"^// ✏️ Exercise (?<id>[A-Za-z0-9_.-]+)\b")]
    private static partial Regex Marker();
}
