namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

internal static class DirectoryExtensions
{
    // A fresh folder inside the test's scratch folder, so it goes away with it.
    public static DirectoryInfo CreateTempSubdirectory(string prefix, TempFolder parent) =>
        Directory.CreateDirectory(Path.Combine(parent.Path, prefix + Guid.NewGuid().ToString("N")));
}
