using System.Reflection;
using Ipc.Contracts;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;

namespace Ipc.Lab.Exercises;

/// <summary>The course's one check format. A check cell calls <see cref="Check"/> (usually through a
/// per-notebook class such as PipesChecks): it runs the check, never throws, shows the result under the
/// cell, and — when the grader set IPC_LAB_RESULTS — appends one JSON line that the grader reads.</summary>
public static class Exercise
{
    public const string ResultsVariable = ExerciseResultLine.Variable;

    private static readonly object FileGate = new();

    public static CheckResult Check(string id, int points, Action check)
    {
        ArgumentNullException.ThrowIfNull(check);
        return Check(id, points, () =>
        {
            check();
            return "Passed.";
        });
    }

    /// <summary>Like <see cref="Check(string, int, Action)"/>; the check returns what it verified, which
    /// the student sees on success (e.g. which capacities were measured).</summary>
    public static CheckResult Check(string id, int points, Func<string> check)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentOutOfRangeException.ThrowIfNegative(points);
        ArgumentNullException.ThrowIfNull(check);
        var result = Run(id, points, check);
        Report(result);
        return result;
    }

    private static CheckResult Run(string id, int points, Func<string> check)
    {
        // The checks read the trace to see that real processes did the work; a student who turned it off
        // for a benchmark must not fail for that.
        bool traced = EventTrace.Enabled;
        EventTrace.Enabled = true;
        try
        {
            return new CheckResult(id, points, CheckStatus.Passed, check());
        }
        catch (Exception e)
        {
            return Classify(id, points, Unwrap(e));
        }
        finally
        {
            EventTrace.Enabled = traced;
        }
    }

    private static CheckResult Classify(string id, int points, Exception e) => e switch
    {
        NotImplementedException => new CheckResult(id, points, CheckStatus.NotSolved,
            "Not solved yet — edit the cell above, run it, then run this check again."),
        CheckFailedException f => new CheckResult(id, points, CheckStatus.Failed, f.Message, f.Expected, f.Actual, f.Hint),
        WaitTimeoutException t => new CheckResult(id, points, CheckStatus.Failed,
            "Your code waited for something that never came.", actual: t.Message,
            hint: "Every blocking call needs someone on the other side: a writer for a read, a reader for a write, and end of file only once every write end is closed."),
        SyscallException s => new CheckResult(id, points, CheckStatus.Failed,
            $"A system call in your code failed: {s.Call} returned {s.ErrnoName}.", actual: s.Message, hint: s.Fix),
        _ => new CheckResult(id, points, CheckStatus.Failed,
            $"Your code threw {e.GetType().Name}.", actual: e.Message),
    };

    /// <summary>The student's exception, not the layers that reflection or tasks wrap around it.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                case AggregateException { InnerExceptions.Count: 1 } a: e = a.InnerExceptions[0]; continue;
                case TypeInitializationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    private static void Report(CheckResult result)
    {
        var path = Environment.GetEnvironmentVariable(ResultsVariable);
        if (string.IsNullOrEmpty(path)) return;
        var line = new ExerciseResultLine(result.Id, result.Points, result.Earned, result.StatusName, result.Message).ToJsonLine();
        // One append per result, so a grader reading a half-run notebook sees whole lines only.
        lock (FileGate) File.AppendAllText(path, line);
    }
}
