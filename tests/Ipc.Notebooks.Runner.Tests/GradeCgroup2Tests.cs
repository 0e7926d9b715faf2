using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Tests.Infrastructure;

namespace Ipc.Notebooks.Runner.Tests;

/// <summary>The cgroup v2 sandbox (GitHub's runners, current distributions), forced with --containment cgroup2:
/// hostile submissions graded two at a time, each in a group of the unified hierarchy. Where the memory and pids
/// controllers can be had, the kernel enforces the limits; where they are bound to cgroup v1 (a hybrid machine like
/// the course's), the group still holds every process and kills them with cgroup.kill, and the limits are polled.</summary>
public sealed class GradeCgroup2Tests(GradeCgroup2Tests.Cgroup2Run run) : IClassFixture<GradeCgroup2Tests.Cgroup2Run>
{
    private static readonly Dictionary<string, string> Answers = new()
    {
        ["storm"] = HostileAnswers.Storm(3011),
        ["daemons"] = HostileAnswers.Daemons(3012, 3013) + HostileAnswers.Reference,
        ["hog"] = HostileAnswers.Hog,
        ["spinner"] = GradeCpuTests.Spinner("spin3014") + HostileAnswers.Reference,
        ["reference"] = HostileAnswers.Reference,
    };

    public sealed class Cgroup2Run : IDisposable
    {
        private readonly TempFolder _temp = new();

        public Cgroup2Run()
        {
            if (Cgroup2.WhyNot([]) is not null) return;
            var course = Submissions.SmallCourse(_temp.Path);
            var shipped = NotebookDocument.Load(Path.Combine(course, "01-pipes.ipynb"));
            var dir = _temp.Sub("submissions");
            var paths = Answers.Select(a => Submissions.Write(Submissions.With(shipped, id => id == "pipes.capacity" ? a.Value : null), dir, a.Key + ".ipynb"));
            Run = GradeRun.Start(_temp.Sub("out"), TimeSpan.FromMinutes(15),
                [.. paths, "--course", course, "--containment", "cgroup2", "--jobs", "2", "--cell-timeout", "300", "--cell-cpu", GradeCpuTests.CellCpu,
                 "--memory", "600", "--processes", "200"]);
        }

        internal GradeRun? Run { get; private set; }

        public void Dispose() => _temp.Dispose();
    }

    private GradeRun Run => run.Run!;

    private JsonObject Capacity(string student) => GradeRun.Exercise(Run.Submission(student + ".ipynb"), "pipes.capacity");

    private string Says(string student) => $"{student}: {Capacity(student).ToJsonString()}\n{Run.Log}";

    [Cgroup2Fact]
    public void Grading_runs_in_cgroup_v2_groups_and_removes_them()
    {
        Assert.True(Run.Process.ExitCode == 0, $"exit code {Run.Process.ExitCode}\n{Run.Log}");
        Assert.Contains("cgroup v2 (", Run.Log, StringComparison.Ordinal);
        Assert.Equal("passed", (string?)Capacity("reference")["status"]);
        // A group whose runner has exited is a leak (the grader removes its own; a later one removes a killed one's).
        var left = Directory.EnumerateDirectories(Cgroup2.OwnGroup()!, "ipc-notebooks-*")
            .Where(d => Path.GetFileName(d).Split('-') is [_, _, var pid, ..] && int.TryParse(pid, out var p) && !Directory.Exists($"/proc/{p}"));
        Assert.Empty(left);
    }

    [Cgroup2Fact]
    public void A_process_storm_in_a_cgroup_v2_group_is_capped_and_killed()
    {
        // pids.max refuses the forks over the limit (the answer is then graded); a polled limit kills the lot.
        var grade = Capacity("storm");
        Assert.True((string?)grade["status"] == "passed" || ((string?)grade["message"] ?? "").Contains("reached its limit of 200 processes", StringComparison.Ordinal), Says("storm"));
        Assert.Empty(Submissions.LiveProcesses("sleep 3011"));
    }

    [Cgroup2Fact]
    public void Setsid_and_double_forked_daemons_do_not_outlive_their_cgroup_v2_group()
    {
        Assert.True((string?)Capacity("daemons")["status"] == "passed", Says("daemons"));
        Assert.Empty(Submissions.LiveProcesses("sleep 3012"));
        Assert.Empty(Submissions.LiveProcesses("sleep 3013"));
    }

    [Cgroup2Fact]
    public void A_memory_hog_in_a_cgroup_v2_group_is_stopped_at_the_limit() =>
        Assert.True(((string?)Capacity("hog")["message"] ?? "").Contains("exceeded its memory limit of 600 MiB", StringComparison.Ordinal), Says("hog"));

    [Cgroup2Fact]
    public void A_child_spinning_on_the_CPU_is_counted_by_cpu_stat_and_stopped()
    {
        Assert.True(((string?)Capacity("spinner")["message"] ?? "").Contains($"CPU time limit of {GradeCpuTests.CellCpu} s per cell", StringComparison.Ordinal), Says("spinner"));
        Assert.Empty(Submissions.LiveProcesses("spin3014"));
    }

    [Cgroup2Fact("memory", "pids")]
    public void The_kernel_enforces_memory_max_and_pids_max()
    {
        Assert.Contains("cgroup v2 (memory, pids controllers", Run.Log, StringComparison.Ordinal);
        var hog = (string?)Capacity("hog")["message"] ?? "";
        Assert.True(hog.Contains("OOM killer", StringComparison.Ordinal) || hog.Contains(".NET's heap", StringComparison.Ordinal), Says("hog"));
        Assert.True((string?)Capacity("storm")["status"] == "passed", Says("storm"));
    }
}
