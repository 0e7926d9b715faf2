using System.Reflection;
using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

// One `dotnet Ipc.Notebooks.Runner.dll run ...` and what it left behind in its out folder.
internal sealed class RunnerRun
{
    public static readonly string RunnerDll = BuildMetadata("RunnerDll");

    public static readonly string LabDll = BuildMetadata("LabDll");

    private RunnerRun(ProcessResult process, string outDirectory)
    {
        Process = process;
        OutDirectory = outDirectory;
    }

    public ProcessResult Process { get; }
    public string OutDirectory { get; }
    public int ExitCode => Process.ExitCode;
    public string Report => Process.Stdout + Process.Stderr;

    public static RunnerRun Start(string outDirectory, params string[] arguments)
    {
        Assert.True(File.Exists(RunnerDll), $"runner not built at {RunnerDll}");
        var process = BoundedProcess.Run("dotnet", [RunnerDll, "run", .. arguments, "--out", outDirectory], TimeSpan.FromSeconds(150));
        return new RunnerRun(process, outDirectory);
    }

    public JsonObject Executed(string notebookName) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(OutDirectory, notebookName)))!;

    public JsonObject Results => (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(OutDirectory, "results.json")))!;

    public JsonObject NotebookResults(string notebookName) =>
        Results["notebooks"]!.AsArray().OfType<JsonObject>().Single(n => (string?)n["notebook"] == notebookName);

    // Cells are numbered from 1, as the runner numbers them in its messages.
    public JsonObject Cell(string notebookName, int number) => (JsonObject)Executed(notebookName)["cells"]![number - 1]!;

    public static IReadOnlyList<JsonObject> Outputs(JsonObject cell) => [.. cell["outputs"]!.AsArray().OfType<JsonObject>()];

    public static JsonObject Single(JsonObject cell, string outputType) =>
        Assert.Single(Outputs(cell), o => (string?)o["output_type"] == outputType);

    private static string BuildMetadata(string key) =>
        typeof(RunnerRun).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue text => (string?)text ?? "",
        _ => "",
    };
}
