using Ipc.Contracts;

namespace Ipc.Notebooks.Runner.Reporting;

internal sealed record CellFailure(int Cell, string FirstLine, string Message);

// What happened to one notebook: the summary table, results.json and the exit code are all made from this.
internal sealed class NotebookReport(string name, string sourcePath)
{
    public string Name { get; } = name;
    public string SourcePath { get; } = sourcePath;
    public string? ExecutedPath { get; set; }
    public string? HtmlPath { get; set; }
    public int CellsOk { get; set; }
    public int CellsFailed { get; set; }
    public int CellsNotRun { get; set; }
    public int CellsSkipped { get; set; }
    public double Seconds { get; set; }

    /// <summary>"runner" (the course's worker) or "kernel" (.NET Interactive through Jupyter).</summary>
    public string Engine { get; init; } = "runner";

    /// <summary>From starting the worker or kernel to the first code cell's result: what a student waits for.</summary>
    public double? FirstResultSeconds { get; set; }
    public List<CellFailure> Failures { get; } = [];

    /// <summary>What ended the notebook before its last cell (a cell that timed out or used up its CPU, a crashed
    /// worker, the notebook's time), or null when every cell got its turn. A check that never ran says this, not
    /// the first demonstration cell that merely failed.</summary>
    public string? StoppedBy { get; set; }
    public IReadOnlyList<ExerciseResultLine> Exercises { get; set; } = [];

    /// <summary>Grading only: each check cell's verdict by exercise id, as the grader accepted it.</summary>
    public Dictionary<string, Protocol.Verdict> Verdicts { get; } = [];

    /// <summary>What containment did (processes killed after the end, a limit reached, kernel objects removed).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The most memory the notebook's processes used at once, as its sandbox measured it.</summary>
    public long PeakMemoryBytes { get; set; }

    public double PointsPossible => Exercises.Sum(e => e.Points);
    public double PointsEarned => Exercises.Sum(e => e.Earned);
    public bool Passed => CellsFailed == 0 && Failures.Count == 0;
}
