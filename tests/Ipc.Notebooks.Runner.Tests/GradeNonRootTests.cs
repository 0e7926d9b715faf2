using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>The grader as an ordinary user (nobody, through setpriv): no cgroup it may write, no IPC namespace. The
/// process tree holds the submissions, and System V objects that a submission made without the course library
/// (ipcmk: a segment, a semaphore set, a queue) are found by comparing /proc/sysvipc before and after and removed,
/// also when two submissions ran side by side and the short-lived ipcmk was never seen by the poll.</summary>
public sealed class GradeNonRootTests
{
    private const int Nobody = 65534;

    [AsNobodyFact]
    public void System_V_objects_made_without_the_library_are_removed_after_grading_as_an_ordinary_user()
    {
        using var temp = new TempFolder();
        var before = ObjectsOf(Nobody);
        var course = Submissions.SmallCourse(temp.Path);
        var shipped = NotebookDocument.Load(Path.Combine(course, "01-pipes.ipynb"));
        var reference = HostileAnswers.Reference;
        const string Objects = "foreach (var made in new[] { \"-M 40963\", \"-S 3\", \"-Q\" }) System.Diagnostics.Process.Start(\"ipcmk\", made)!.WaitForExit();\n";
        var dir = temp.Sub("submissions");
        string[] paths =
        [
            Submissions.Write(Submissions.With(shipped, id => id == "pipes.capacity" ? Objects + reference : null), dir, "sysv.ipynb"),
            Submissions.Write(Submissions.With(shipped, id => id == "pipes.capacity" ? reference : null), dir, "reference.ipynb"),
        ];
        var home = temp.Sub("home");
        var output = temp.Sub("out");
        // nobody reads the course and the submissions, and writes its home and the grades.
        foreach (var path in new[] { temp.Path, home, output, dir, course })
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32("777", 8));

        var run = GradeRun.Start(output, TimeSpan.FromMinutes(20),
            [AsNobodyFactAttribute.SetPriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"],
            new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["IPC_LAB_CACHE"] = Path.Combine(home, "cache") },
            [.. paths, "--course", course, "--jobs", "2", "--cell-timeout", "600"]);

        Assert.True(run.Process.ExitCode == 0, run.Log);
        Assert.Contains("process tree", run.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("own IPC and mount namespaces", run.Log, StringComparison.Ordinal);
        foreach (var student in new[] { "sysv", "reference" })
        {
            var grade = GradeRun.Exercise(run.Submission(student + ".ipynb"), "pipes.capacity");
            Assert.True((string?)grade["status"] == "passed", $"{student}: {grade.ToJsonString()}\n{run.Log}");
        }
        var left = ObjectsOf(Nobody).Except(before).ToList();
        Assert.True(left.Count == 0, $"left behind by the submission: {string.Join(", ", left)}\n{run.Log}");
    }

    // "kind id" of each System V object created by uid (its cuid column).
    private static HashSet<string> ObjectsOf(int uid)
    {
        var found = new HashSet<string>();
        foreach (var (kind, cuid) in new[] { ("shm", 9), ("sem", 6), ("msg", 9) })
            foreach (var fields in File.ReadLines($"/proc/sysvipc/{kind}").Skip(1).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                if (fields.Length > cuid && fields[cuid] == uid.ToString(System.Globalization.CultureInfo.InvariantCulture)) found.Add($"{kind} {fields[1]}");
        return found;
    }
}
