using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>One headless run of one notebook by the runner, started as a real process
/// (`dotnet Ipc.Notebooks.Runner.dll run NB --out TEMP [--answers DIR] [--engine kernel]`), and what it left behind.
/// Runs are cached per notebook, answer set and engine, because several tests look at the same run and each run
/// takes seconds (a minute or more in the .NET Interactive kernel).</summary>
internal sealed class NotebookRun
{
    private static readonly TimeSpan RunnerLimit = TimeSpan.FromMinutes(4);
    // The real kernel starts slower and runs cells slower than our worker.
    private static readonly TimeSpan KernelLimit = TimeSpan.FromMinutes(10);
    private static readonly ConcurrentDictionary<(string, SolutionSet?, Engine), Lazy<NotebookRun>> Cache = new();

    private NotebookRun(string notebook, int exitCode, string log, JsonObject? results, JsonObject? executed)
    {
        Notebook = notebook;
        ExitCode = exitCode;
        Log = log;
        Results = results;
        Executed = executed;
    }

    public string Notebook { get; }
    public int ExitCode { get; }

    /// <summary>The runner's own report (stdout and stderr), for assertion messages.</summary>
    public string Log { get; }

    public JsonObject? Results { get; }
    public JsonObject? Executed { get; }

    public static NotebookRun Of(string notebook, SolutionSet? answers, Engine engine = Engine.Runner) =>
        Cache.GetOrAdd((notebook, answers, engine), key => new Lazy<NotebookRun>(() => Execute(key.Item1, key.Item2, key.Item3))).Value;

    /// <summary>Index of each code cell → how many charts (plotly.js divs of Ipc.Lab) its HTML outputs hold.</summary>
    public IReadOnlyDictionary<int, int> ChartsByCell()
    {
        Assert.True(Executed is not null, $"The runner wrote no executed notebook for {Notebook}.\n{Log}");
        var cells = Executed!["cells"]!.AsArray().OfType<JsonObject>().ToList();
        var charts = new Dictionary<int, int>();
        for (var i = 0; i < cells.Count; i++)
        {
            var count = (cells[i]["outputs"] as JsonArray ?? []).OfType<JsonObject>()
                .Sum(o => Occurrences(NotebookCatalog.Text(o["data"]?["text/html"]), ChartMarker));
            if (count > 0) charts[i] = count;
        }
        return charts;
    }

    public const string ChartMarker = "<div class=\"ipc-plot\"";

    public static int Occurrences(string text, string marker)
    {
        var count = 0;
        for (var at = text.IndexOf(marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(marker, at + marker.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>Exercise id → (status, points, earned), as results.json reports them.</summary>
    public IReadOnlyDictionary<string, (string Status, double Points, double Earned)> Exercises()
    {
        Assert.True(Results is not null, $"The runner wrote no results.json for {Notebook} (exit code {ExitCode}).\n{Log}");
        var entry = Results!["notebooks"]!.AsArray().OfType<JsonObject>().Single();
        return entry["exercises"]!.AsArray().OfType<JsonObject>().ToDictionary(
            e => (string)e["exercise"]!,
            e => ((string?)e["status"] ?? "", (double)e["points"]!, (double)e["earned"]!));
    }

    /// <summary>Everything the executed notebook's code cells printed or showed as text, cell by cell.</summary>
    public IReadOnlyList<string> CellTexts()
    {
        Assert.True(Executed is not null, $"The runner wrote no executed notebook for {Notebook}.\n{Log}");
        return [.. Executed!["cells"]!.AsArray().OfType<JsonObject>().Select(cell => string.Concat(
            (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>().Select(o =>
                NotebookCatalog.Text(o["text"]) + NotebookCatalog.Text(o["data"]?["text/plain"]))))];
    }

    /// <summary>The text of the first code cell that printed <paramref name="marker"/>; fails, naming the notebook
    /// and showing the run's log, when none did.</summary>
    public string CellPrinting(string marker) => CellTexts().FirstOrDefault(t => t.Contains(marker, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No cell of {Notebook} printed \"{marker}\".\n{Log}");

    private static NotebookRun Execute(string notebook, SolutionSet? answers, Engine engine)
    {
        Assert.True(File.Exists(Paths.RunnerDll), $"The runner is not built at {Paths.RunnerDll}: build the solution first.");
        if (engine == Engine.Kernel) KernelPrerequisites.Ensure();
        var outDir = Directory.CreateTempSubdirectory("ipc-notebook-test-").FullName;
        try
        {
            var args = new List<string> { Paths.RunnerDll, "run", NotebookCatalog.PathOf(notebook), "--out", outDir };
            if (answers is { } set) args.AddRange(["--answers", Paths.Solutions(set)]);
            if (engine == Engine.Kernel) args.AddRange(["--engine", "kernel"]);
            // The runner's worker and the children it started go with it when it is killed: the library ties them to it.
            var (exitCode, log) = KernelPrerequisites.Run("dotnet", args, engine == Engine.Kernel ? KernelLimit : RunnerLimit);
            var resultsPath = Path.Combine(outDir, "results.json");
            var executedPath = Path.Combine(outDir, notebook);
            return new NotebookRun(notebook, exitCode, log,
                File.Exists(resultsPath) ? JsonNode.Parse(File.ReadAllText(resultsPath)) as JsonObject : null,
                File.Exists(executedPath) ? JsonNode.Parse(File.ReadAllText(executedPath)) as JsonObject : null);
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }
}

/// <summary>Who executes the notebook: the runner's own worker (Roslyn scripting), or the real .NET Interactive
/// kernel through Jupyter (`--engine kernel`), which is what students run.</summary>
public enum Engine { Runner, Kernel }
