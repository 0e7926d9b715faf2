namespace Ipc.Lab.Runtime;

/// <summary>Where the lab is laid out: the child host (Ipc.Lab.Child.dll) and the body compiler
/// (compiler/Ipc.Lab.Compiler.dll), which a build puts in artifacts/lab/ next to Ipc.Lab.dll.</summary>
internal static class LabHome
{
    private const string ChildHost = "Ipc.Lab.Child.dll";
    private static readonly Lazy<string> Home = new(Find);

    public static string Directory => Home.Value;

    public static string ChildHostPath => Path.Combine(Directory, ChildHost);

    public static string CompilerPath => Path.Combine(Directory, "compiler", "Ipc.Lab.Compiler.dll");

    public static string ChildHostRuntimeConfig => Path.Combine(Directory, "Ipc.Lab.Child.runtimeconfig.json");

    /// <summary>The same compiler compiled ahead of time (src/Ipc.Lab.Compiler.Native, laid out by scripts/setup).</summary>
    public static string NativeCompilerPath => Path.Combine(Directory, NativeCompilerFile);

    private const string NativeCompilerFile = "compiler-native/Ipc.Lab.Compiler";

    /// <summary>Whether the native compiler is there and was built from the sources the dotnet-hosted one was:
    /// each build writes the hash of the compiler's sources next to it (source-stamp).</summary>
    public static bool NativeCompilerIsCurrent => NativeCompilerIsCurrentIn(Directory);

    internal static bool NativeCompilerIsCurrentIn(string lab)
    {
        string? Stamp(string folder)
        {
            var path = Path.Combine(lab, folder, "source-stamp");
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        return File.Exists(Path.Combine(lab, NativeCompilerFile))
               && Stamp("compiler-native") is { Length: > 0 } native && native == Stamp("compiler");
    }

    public static string LibraryPath => typeof(LabHome).Assembly.Location;

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("IPC_LAB_HOME");
        if (!string.IsNullOrEmpty(env) && File.Exists(Path.Combine(env, ChildHost))) return Path.GetFullPath(env);

        var here = Path.GetDirectoryName(LibraryPath) ?? ".";
        if (File.Exists(Path.Combine(here, ChildHost))) return here;

        // A test or tool that references Ipc.Lab has its own copy of the DLL; the layout is in the repository.
        foreach (var start in new[] { here, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "artifacts", "lab");
                if (File.Exists(Path.Combine(candidate, ChildHost))) return candidate;
            }
        }
        throw new FileNotFoundException(
            $"The child host ({ChildHost}) was not found next to {LibraryPath} nor in an artifacts/lab folder above it. " +
            "Build the course first: run `dotnet build` in the repository root, then restart the kernel.");
    }
}
