using System.Globalization;
using System.Text;

namespace Ipc.Notebooks.Runner.Reporting;

// The table printed at the end of a run, and the list of what failed under it, so the cause of a red CI
// run is readable without opening any file.
internal static class SummaryTable
{
    public static string Render(IReadOnlyList<NotebookReport> reports)
    {
        var rows = reports.Select(r => new[]
        {
            r.Passed ? "✓" : "✗",
            r.Name,
            r.CellsOk.ToString(CultureInfo.InvariantCulture),
            r.CellsFailed.ToString(CultureInfo.InvariantCulture),
            r.CellsNotRun.ToString(CultureInfo.InvariantCulture),
            r.CellsSkipped.ToString(CultureInfo.InvariantCulture),
            r.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s",
            r.Exercises.Count == 0 ? "-" : $"{Points(r.PointsEarned)}/{Points(r.PointsPossible)}",
        }).ToList();
        string[] header = ["", "notebook", "ok", "failed", "not run", "skipped", "time", "points"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();

        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => i >= 2 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        Line([.. widths.Select(w => new string('-', w))]);
        rows.ForEach(Line);

        foreach (var report in reports)
        {
            foreach (var failure in report.Failures)
            {
                // Timeout and crash messages already say where they happened.
                var where = $"{report.Name}, cell {failure.Cell} ";
                text.AppendLine(failure.Cell == 0 ? $"✗ {report.Name}: {failure.Message}"
                    : failure.Message.StartsWith(where, StringComparison.Ordinal) ? $"✗ {failure.Message}"
                    : $"✗ {where}({failure.FirstLine}): {failure.Message}");
            }
            foreach (var exercise in report.Exercises.Where(e => e.Status != "passed"))
                text.AppendLine($"  {report.Name}, exercise {exercise.Exercise}: {exercise.Status} ({Points(exercise.Earned)}/{Points(exercise.Points)}){(exercise.Message is { Length: > 0 } m ? ": " + m : "")}");
        }
        return text.ToString();
    }

    private static string Points(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
