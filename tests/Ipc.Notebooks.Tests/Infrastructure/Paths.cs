using System.Reflection;

namespace Ipc.Notebooks.Tests.Infrastructure;

/// <summary>Where the build put things, as recorded in this assembly's metadata: the tests never guess paths
/// relative to the working directory, which differs between `dotnet test` and an IDE.</summary>
internal static class Paths
{
    public static readonly string RunnerDll = Metadata("RunnerDll");
    public static readonly string NotebooksDir = Metadata("NotebooksDir");
    public static readonly string SolutionsDir = Metadata("SolutionsDir");

    public static string Solutions(SolutionSet set) => Path.Combine(SolutionsDir, set.ToString());

    private static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}

public enum SolutionSet { Reference, Wrong }
