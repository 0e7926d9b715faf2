namespace Ipc.Lab.Exercises;

/// <summary>A check found the student's answer wrong. Carries what was expected, what the code did, and a
/// hint, so the feedback names the difference instead of just saying "wrong".</summary>
public sealed class CheckFailedException(string problem, string? expected = null, string? actual = null, string? hint = null)
    : Exception(problem)
{
    public string? Expected { get; } = expected;

    public string? Actual { get; } = actual;

    public string? Hint { get; } = hint;
}
