using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>For every notebook in notebooks/: it runs as committed with no exercise solved, every exercise
/// passes with the reference solutions and fails with the wrong ones, and no exercise lacks either.</summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookExerciseTests
{
    public static TheoryData<string> Notebooks()
    {
        var names = NotebookCatalog.Names();
        Assert.NotEmpty(names);
        return new TheoryData<string>(names);
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
    [MemberData(nameof(Notebooks))]
    public void As_committed_it_runs_and_no_exercise_is_solved(string notebook)
    {
        var run = NotebookRun.Of(notebook, answers: null);
        Assert.True(run.ExitCode == 0, $"{notebook} failed as committed (exit code {run.ExitCode}).\n{run.Log}");
        AssertEveryExercise(notebook, run, "not-solved", fullPoints: false);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void With_the_reference_solutions_every_exercise_passes(string notebook)
    {
        var run = NotebookRun.Of(notebook, SolutionSet.Reference);
        Assert.True(run.ExitCode == 0, $"{notebook} failed with the reference solutions (exit code {run.ExitCode}).\n{run.Log}");
        AssertEveryExercise(notebook, run, "passed", fullPoints: true);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void With_the_wrong_solutions_every_exercise_fails(string notebook)
    {
        var run = NotebookRun.Of(notebook, SolutionSet.Wrong);
        AssertEveryExercise(notebook, run, "failed", fullPoints: false);
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
