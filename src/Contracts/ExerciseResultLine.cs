using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ipc.Contracts;

/// <summary>One exercise's verdict as a check reports it to whoever runs the notebook: Ipc.Lab's checks
/// (Exercises/Exercise.cs) append one JSON line to the file named by <see cref="Variable"/>, and the runner
/// (Reporting/ExerciseResultsFile.cs) reads them. Compiled into both, so the line has one definition.</summary>
internal sealed record ExerciseResultLine(string Exercise, double Points, double Earned, string Status, string? Message)
{
    /// <summary>The environment variable that names the results file; no file is written when it is unset.</summary>
    public const string Variable = "IPC_LAB_RESULTS";

    public string ToJsonLine() => JsonSerializer.Serialize(this, ContractJson.Default.ExerciseResultLine) + "\n";

    /// <summary>The verdict on one line, or null for a line that is not one (a check killed mid-write must not
    /// void the others).</summary>
    public static ExerciseResultLine? Parse(string line)
    {
        try
        {
            var result = JsonSerializer.Deserialize(line, ContractJson.Default.ExerciseResultLine);
            return result is { Exercise.Length: > 0, Status: not null } ? result : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>How a host asks the library what the running cell is waiting for, without referencing it: when
/// Ipc.Lab loads it publishes a <c>Func&lt;string&gt;</c> under <see cref="AppContextKey"/>, and a runner that
/// must stop a stuck cell calls it ("waiting for child 'writer' to exit (for 4.0 s)").</summary>
internal static class ActivityReport
{
    public const string AppContextKey = "Ipc.Lab.Activity.Describe";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ExerciseResultLine))]
internal sealed partial class ContractJson : JsonSerializerContext;
