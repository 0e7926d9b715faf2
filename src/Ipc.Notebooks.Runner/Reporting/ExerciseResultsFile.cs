using Ipc.Contracts;

namespace Ipc.Notebooks.Runner.Reporting;

// Reads what the course library's checks appended to $IPC_LAB_RESULTS: one JSON object per line. A check
// cell may run several times (a student re-runs it after fixing the answer), so the last report of an
// exercise counts. Lines that do not parse are skipped: a check killed mid-write must not void the others.
internal static class ExerciseResultsFile
{
    public static IReadOnlyList<ExerciseResultLine> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var byExercise = new Dictionary<string, ExerciseResultLine>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (ExerciseResultLine.Parse(line) is not { } result) continue;
            if (!byExercise.ContainsKey(result.Exercise)) order.Add(result.Exercise);
            byExercise[result.Exercise] = result;
        }
        return [.. order.Select(id => byExercise[id])];
    }
}
