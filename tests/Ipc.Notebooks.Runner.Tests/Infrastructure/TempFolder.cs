namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

// A scratch folder per test, removed afterwards, so runs never see each other's notebooks or outputs.
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Path = Directory.CreateTempSubdirectory("ipc-runner-tests-").FullName;

    public string Path { get; }

    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process killed by a failing test may still hold a file for a moment; a leftover temp folder is harmless.
        }
    }
}
