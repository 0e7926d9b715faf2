namespace Ipc.Lab.Runtime;

/// <summary>Environment settings for the .NET processes we start: a child host starts faster without tiered
/// PGO instrumentation, and it must know it is a child (so it does not start helpers of its own eagerly).</summary>
internal static class ChildEnvironment
{
    public static IReadOnlyDictionary<string, string> ForDotnet(string? childName = null)
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_TieredPGO"] = "0",
            ["DOTNET_TC_QuickJitForLoops"] = "1",
            ["DOTNET_gcServer"] = "0",
            ["DOTNET_GCgen0size"] = "0x400000",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            // No diagnostic server, debugger pipes or profiler attach: each costs a thread and files in /tmp at
            // start, and their removal at exit, in a process that lives for one body.
            ["DOTNET_EnableDiagnostics"] = "0",
        };
        if (childName is not null) env["IPC_LAB_CHILD"] = childName;
        return env;
    }
}
