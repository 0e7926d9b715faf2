using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>Input that is not a gradable notebook gets a clear line in the grade, and grading goes on.</summary>
public sealed class GradeInputTests
{
    [Fact]
    public void Bad_submissions_each_get_a_line_that_says_what_is_wrong()
    {
        using var temp = new TempFolder();
        var course = Submissions.SmallCourse(temp.Path);
        var shipped = NotebookDocument.Load(Path.Combine(course, "01-pipes.ipynb"));
        var dir = temp.Sub("class");
        File.WriteAllText(Path.Combine(dir, "text.ipynb"), "this is my homework, I wrote it in Word");
        var json = File.ReadAllText(Path.Combine(course, "01-pipes.ipynb"));
        File.WriteAllText(Path.Combine(dir, "truncated.ipynb"), json[..(json.Length / 2)]);
        new NotebookFile().Markdown("# Statistics 101").Code("var mean = new[] { 1, 2, 3 }.Average();").SaveIn(dir, "other-course.ipynb");
        var renamed = shipped.Clone();
        NotebookDocument.SetSource(renamed.Cells[1], NotebookDocument.Source(renamed.Cells[1]).Replace("Exercise pipes.capacity", "Exercise my.capacity", StringComparison.Ordinal));
        Submissions.Write(renamed, dir, "renamed.ipynb");
        var duplicated = shipped.Clone();
        duplicated.Root["cells"]!.AsArray().Add(duplicated.Cells[1].DeepClone());
        Submissions.Write(duplicated, dir, "duplicated.ipynb");
        using (var huge = File.Create(Path.Combine(dir, "huge.ipynb"))) huge.SetLength(21L * 1024 * 1024);
        var empty = temp.Sub("empty-folder");

        var run = GradeRun.Start(temp.Sub("out"), TimeSpan.FromMinutes(5),
            Path.Combine(dir, "text.ipynb"), Path.Combine(dir, "truncated.ipynb"), Path.Combine(dir, "other-course.ipynb"),
            Path.Combine(dir, "renamed.ipynb"), Path.Combine(dir, "duplicated.ipynb"), Path.Combine(dir, "huge.ipynb"), empty,
            "--course", course, "--cell-timeout", "20");

        Assert.True(run.Process.ExitCode == 0, run.Log);
        AssertLine(run, "text.ipynb", "text.ipynb", "not a notebook");
        AssertLine(run, "truncated.ipynb", "truncated.ipynb", "truncated");
        AssertLine(run, "other-course.ipynb", "other-course.ipynb", "not a notebook of this course");
        AssertLine(run, "renamed.ipynb", "pipes.capacity", "no exercise cell for pipes.capacity");
        AssertLine(run, "duplicated.ipynb", "pipes.capacity", "2 cells start with");
        AssertLine(run, "huge.ipynb", "huge.ipynb", "MiB");
        AssertLine(run, "empty-folder", "empty-folder", "holds no notebook");
        Assert.Equal(2, (double)run.Submission("renamed.ipynb")["possible"]!);
    }

    [Fact]
    public void A_failing_set_up_cell_is_named_in_every_line_of_the_grade()
    {
        using var temp = new TempFolder();
        var course = Submissions.SmallCourse(temp.Path);
        var path = Path.Combine(course, "01-pipes.ipynb");
        File.WriteAllText(path, File.ReadAllText(path).Replace("Ipc.Lab.dll", "Ipc.Lab.Missing.dll", StringComparison.Ordinal));
        var submission = Submissions.Write(Submissions.With(NotebookDocument.Load(path), _ => null), temp.Sub("class"), "student.ipynb");

        var run = GradeRun.Start(temp.Sub("out"), TimeSpan.FromMinutes(5), submission, "--course", course, "--cell-timeout", "30");

        Assert.True(run.Process.ExitCode == 0, run.Log);
        AssertLine(run, "student.ipynb", "pipes.capacity", "the course's set-up cell 1 failed");
        Assert.Contains("Ipc.Lab.Missing.dll", (string?)GradeRun.Exercise(run.Submission("student.ipynb"), "pipes.capacity")["message"] ?? "", StringComparison.Ordinal);
    }

    private static void AssertLine(GradeRun run, string submission, string id, string says)
    {
        var line = GradeRun.Exercise(run.Submission(submission), id);
        Assert.Equal("error", (string?)line["status"]);
        Assert.Equal(0, (double)line["earned"]!);
        Assert.Contains(says, (string?)line["message"] ?? "", StringComparison.Ordinal);
    }
}
