using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Export;
using Ipc.Notebooks.Runner.Notebooks;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>A student's feedback page: the grade per exercise with its message and hint on top, then each notebook
/// as the grader executed it (their answers in the course's notebook, every check's verdict under its cell).</summary>
internal static class Feedback
{
    public static void Write(SubmissionGrade grade, IReadOnlyList<(string Title, NotebookDocument Executed)> notebooks, string path)
    {
        var table = new StringBuilder()
            .Append($"# Grade for {Encode(grade.Student)}: {grade.Earned:0.##} / {grade.Possible:0.##} points\n\n")
            .Append("| exercise | points | status | what the grader says |\n|---|---|---|---|\n");
        foreach (var e in grade.Exercises)
            table.Append($"| {Encode(e.Id)} | {e.Earned:0.##} / {e.Possible:0.##} | {e.Status} | {Encode(e.Message).Replace("\n", " ")} |\n");
        var cells = new JsonArray { Markdown(table.ToString()) };
        foreach (var (title, executed) in notebooks)
        {
            cells.Add(Markdown($"---\n## {Encode(title)}, as graded\n\nYour answers, run in the course's notebook; each check's verdict is under its cell."));
            foreach (var cell in executed.Cells) cells.Add(cell.DeepClone());
        }
        var page = NotebookDocument.Parse(new JsonObject { ["cells"] = cells, ["metadata"] = new JsonObject(), ["nbformat"] = 4, ["nbformat_minor"] = 5 });
        HtmlExporter.Write(page, $"{grade.Student}: {grade.Earned:0.##}/{grade.Possible:0.##}", path);
    }

    private static JsonObject Markdown(string text)
    {
        var cell = new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject() };
        NotebookDocument.SetSource(cell, text);
        return cell;
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text).Replace("|", "&#124;");
}
