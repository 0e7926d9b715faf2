using System.Text.Json.Nodes;

namespace Ipc.Notebooks.Runner.Notebooks;

// Builders for nbformat 4 output objects, so every place that records an output writes the same shape.
internal static class Outputs
{
    public static JsonObject DisplayData(JsonObject data) =>
        new() { ["output_type"] = "display_data", ["data"] = data, ["metadata"] = new JsonObject() };

    public static JsonObject ExecuteResult(JsonObject data, int executionCount) =>
        new() { ["output_type"] = "execute_result", ["data"] = data, ["metadata"] = new JsonObject(), ["execution_count"] = executionCount };

    public static JsonObject Stream(string name, string text) =>
        new() { ["output_type"] = "stream", ["name"] = name, ["text"] = text };

    public static JsonObject Error(string ename, string evalue, IEnumerable<string> traceback) =>
        new()
        {
            ["output_type"] = "error",
            ["ename"] = ename,
            ["evalue"] = evalue,
            ["traceback"] = new JsonArray([.. traceback.Select(line => (JsonNode?)JsonValue.Create(line))]),
        };
}
