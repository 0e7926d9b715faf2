using System.Reflection;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>tests/Ipc.Lab.Tests.Orphans, the program the orphan and other-user tests start: its DLL (the path the
/// project file bakes in) and the dotnet host that runs it (the one running these tests, where it is one).</summary>
public static class OrphansProgram
{
    public static readonly string Dll = typeof(OrphansProgram).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "OrphansDll").Value!;

    public static string Dotnet => Environment.ProcessPath is { } p && Path.GetFileName(p) == "dotnet" ? p : "dotnet";
}
