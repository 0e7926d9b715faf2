using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>For every notebook in notebooks/, in both engines (our runner, and the real .NET Interactive kernel that
/// students run): it runs as committed with no exercise solved, every exercise passes with the reference solutions
/// and fails with the wrong ones, and no exercise lacks either.</summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookExerciseTests
{
    public static TheoryData<string> Notebooks()
    {
        var names = NotebookCatalog.Names();
        Assert.NotEmpty(names);
        return new TheoryData<string>(names);
    }

    public static TheoryData<string, Engine> NotebooksAndEngines()
    {
        var data = new TheoryData<string, Engine>();
        foreach (var name in NotebookCatalog.Names())
            foreach (var engine in Enum.GetValues<Engine>())
                data.Add(name, engine);
        Assert.NotEmpty(data);
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Every_exercise_has_a_reference_and_a_wrong_solution(string notebook)
    {
        foreach (var id in NotebookCatalog.ExerciseIds(notebook))
            foreach (var set in new[] { SolutionSet.Reference, SolutionSet.Wrong })
                Assert.True(File.Exists(Path.Combine(Paths.Solutions(set), id + ".cs")),
                    $"{notebook}: exercise {id} has no {set} solution at Solutions/{set}/{id}.cs");
    }

    [Theory]
    [MemberData(nameof(NotebooksAndEngines))]
    public void As_committed_it_runs_and_no_exercise_is_solved(string notebook, Engine engine)
    {
        var run = NotebookRun.Of(notebook, answers: null, engine);
        Assert.True(run.ExitCode == 0, $"{notebook} failed as committed in the {engine} engine (exit code {run.ExitCode}).\n{run.Log}");
        AssertEveryExercise(notebook, run, "not-solved", fullPoints: false);
    }

    [Theory]
    [MemberData(nameof(NotebooksAndEngines))]
    public void With_the_reference_solutions_every_exercise_passes(string notebook, Engine engine)
    {
        var run = NotebookRun.Of(notebook, SolutionSet.Reference, engine);
        Assert.True(run.ExitCode == 0, $"{notebook} failed with the reference solutions in the {engine} engine (exit code {run.ExitCode}).\n{run.Log}");
        AssertEveryExercise(notebook, run, "passed", fullPoints: true);
    }

    [Theory]
    [MemberData(nameof(NotebooksAndEngines))]
    public void With_the_wrong_solutions_every_exercise_fails(string notebook, Engine engine)
    {
        var run = NotebookRun.Of(notebook, SolutionSet.Wrong, engine);
        AssertEveryExercise(notebook, run, "failed", fullPoints: false);
    }

    /// <summary>Every chart our runner shows, the kernel shows too: a chart that only renders in our emulation
    /// (the FSharp.Core clash did exactly that) is a chart no student sees.</summary>
    [Theory]
    [MemberData(nameof(Notebooks))]
    public void In_the_kernel_every_chart_renders(string notebook)
    {
        var runner = NotebookRun.Of(notebook, answers: null, Engine.Runner).ChartsByCell();
        var kernelRun = NotebookRun.Of(notebook, answers: null, Engine.Kernel);
        var kernel = kernelRun.ChartsByCell();
        // The notebook's code says whether it draws; so a runner that lost its charts cannot make this pass empty.
        var draws = NotebookCatalog.Cells(notebook).Any(c => (string?)c["cell_type"] == "code" &&
            NotebookCatalog.Source(c) is var source && (source.Contains("Charts.", StringComparison.Ordinal) || source.Contains("Timeline.Of(", StringComparison.Ordinal)));
        if (draws) Assert.True(runner.Count > 0, $"{notebook} draws charts, but the runner's run shows none ({NotebookRun.ChartMarker}).");
        foreach (var (cell, count) in runner)
        {
            var shown = kernel.GetValueOrDefault(cell);
            Assert.True(shown >= count, $"{notebook}, cell {cell + 1}: {count} chart(s) in the runner, {shown} in the .NET Interactive kernel.\n{kernelRun.Log}");
        }
        if (runner.Count > 0) Assert.True(kernel.Count > 0, $"{notebook}: no chart rendered in the .NET Interactive kernel.\n{kernelRun.Log}");
    }

    private static void AssertEveryExercise(string notebook, NotebookRun run, string status, bool fullPoints)
    {
        var expected = NotebookCatalog.ExerciseIds(notebook);
        var reported = run.Exercises();
        Assert.True(expected.Order().SequenceEqual(reported.Keys.Order()),
            $"{notebook}: exercises in the notebook [{string.Join(", ", expected)}], reported [{string.Join(", ", reported.Keys)}].\n{run.Log}");
        foreach (var id in expected)
        {
            var (actual, points, earned) = reported[id];
            Assert.True(actual == status, $"{notebook}: exercise {id} is {actual}, expected {status}.\n{run.Log}");
            Assert.True(points > 0, $"{notebook}: exercise {id} is worth no points.");
            Assert.Equal(fullPoints ? points : 0, earned);
        }
    }
}
