using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>What the grader found in one file of a submission before running anything: either why it cannot be
/// graded (<see cref="Problem"/>), or which course notebook it is, the student's answer per exercise, the
/// exercises it cannot grade (marker missing or duplicated) and what was changed that should not have been.</summary>
internal sealed record Inspection(
    string File,
    string? Problem,
    CourseNotebook? Course,
    IReadOnlyDictionary<string, string> Answers,
    IReadOnlyDictionary<string, string> Refused,
    IReadOnlyDictionary<string, List<string>> Flags,
    IReadOnlyList<string> NotebookFlags)
{
    public static Inspection Unusable(string file, string problem) => new(file, problem, null, new Dictionary<string, string>(),
        new Dictionary<string, string>(), new Dictionary<string, List<string>>(), []);

    /// <summary>Reads <paramref name="file"/> defensively and compares it with the course's notebooks.</summary>
    public static Inspection Of(string file, IReadOnlyList<CourseNotebook> course)
    {
        var name = Path.GetFileName(file);
        long size;
        try
        {
            size = new FileInfo(file).Length;
        }
        catch (IOException e)
        {
            return Unusable(file, $"{name} could not be read: {e.Message}");
        }
        if (size > GradeOptions.MaxNotebookBytes)
            return Unusable(file, $"{name} is {size / (1024 * 1024)} MiB, more than the {GradeOptions.MaxNotebookBytes / (1024 * 1024)} MiB a notebook may have; it was not read (clear its outputs and submit again)");
        if (size == 0) return Unusable(file, $"{name} is empty");
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(System.IO.File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            return Unusable(file, $"{name} is not a notebook: its JSON ends or breaks at line {e.LineNumber + 1}, byte {e.BytePositionInLine} " +
                                  "(a truncated or hand-edited file?). Open it in your editor and save it again.");
        }
        catch (Exception e) when (e is IOException or DecoderFallbackException or ArgumentException)
        {
            return Unusable(file, $"{name} could not be read as text: {e.Message}");
        }
        if (root is not JsonObject obj || obj["cells"] is not JsonArray cells || obj["nbformat"] is null)
            return Unusable(file, $"{name} is JSON but not a Jupyter notebook (no \"cells\" and \"nbformat\")");

        var student = cells.OfType<JsonObject>().Where(c => NotebookDocument.CellType(c) == "code")
            .Select(c => CourseNotebook.Normalize(NotebookDocument.Source(c))).ToList();
        var markers = student.Select((s, i) => (Index: i, Id: AnswerSubstitution.ExerciseId(CourseNotebook.FirstLine(s)), Source: s))
            .Where(m => m.Id is not null).ToList();

        // Which notebook of the course: the one it shares most with — exercise markers above all, then set-up and
        // check cells, then the file name. Nothing shared at all: another course's notebook.
        var scored = course.Select(c => (Course: c, Score:
                4 * c.Exercises.Count(e => markers.Any(m => m.Id == e.Id)) +
                c.SetUpCells.Count(student.Contains) + c.Exercises.Count(e => student.Contains(e.CheckSource))))
            .OrderByDescending(x => x.Score).ThenByDescending(x => x.Course.Name == name).First();
        if (scored.Score == 0)
            return Unusable(file, $"{name} is not a notebook of this course: it has none of its exercise cells (// ✏️ Exercise …), set-up or check cells " +
                                  $"(the course's notebooks: {string.Join(", ", course.Select(c => c.Name))})");
        var chosen = scored.Course;

        var answers = new Dictionary<string, string>();
        var refused = new Dictionary<string, string>();
        var flags = new Dictionary<string, List<string>>();
        var notebookFlags = new List<string>();
        foreach (var exercise in chosen.Exercises)
        {
            var hits = markers.Where(m => m.Id == exercise.Id).ToList();
            var own = flags[exercise.Id] = [];
            if (hits.Count == 0)
            {
                refused[exercise.Id] = $"no exercise cell for {exercise.Id}: no cell starts with `// ✏️ Exercise {exercise.Id}` (was it removed, or its marker line renamed?)";
                continue;
            }
            if (hits.Count > 1)
            {
                refused[exercise.Id] = $"{hits.Count} cells start with `// ✏️ Exercise {exercise.Id}`: the grader does not guess which is your answer; keep one";
                continue;
            }
            var hit = hits[0];
            answers[exercise.Id] = AnswerSubstitution.Body(hit.Source);
            if (CourseNotebook.FirstLine(hit.Source) != exercise.MarkerLine)
                own.Add("its marker line was changed (the course's points count)");
            var after = hit.Index + 1 < student.Count ? student[hit.Index + 1] : null;
            var copies = student.Count(s => s == exercise.CheckSource);
            if (copies > 1) own.Add($"its check cell appears {copies} times");
            else if (after != exercise.CheckSource) own.Add(copies == 0 ? "its check cell was changed or removed" : "its check cell was moved away from it");
        }
        foreach (var unknown in markers.Where(m => chosen.Exercises.All(e => e.Id != m.Id)).Select(m => m.Id).Distinct())
            notebookFlags.Add($"an exercise cell with an id the course does not have: {unknown} (renamed?)");
        var order = markers.Select(m => m.Id).Where(id => chosen.Exercises.Any(e => e.Id == id)).Distinct().ToList();
        var expected = chosen.Exercises.Select(e => e.Id).Where(order.Contains).ToList();
        if (!order.SequenceEqual(expected)) notebookFlags.Add($"its exercise cells were reordered ({string.Join(", ", order)})");
        for (var i = 0; i < chosen.SetUpCells.Count; i++)
        {
            var copies = student.Count(s => s == chosen.SetUpCells[i]);
            if (copies != 1) notebookFlags.Add($"set-up cell {i + 1} (`{CourseNotebook.FirstLine(chosen.SetUpCells[i])}`) was {(copies == 0 ? "changed or removed" : "duplicated")}");
        }
        return new Inspection(file, null, chosen, answers, refused, flags, notebookFlags);
    }
}
