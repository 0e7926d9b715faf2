using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace Ipc.Lab.Compiler;

/// <summary>Where Roslyn is loaded from. The package's copy is IL only: on a cold start the JIT compiles the
/// parts of Roslyn a body needs, about a CPU-second, and that is most of what the first Fork.Run of a notebook
/// waits for. The .NET SDK on the same machine carries Roslyn precompiled (ReadyToRun), which starts in about
/// half that time; it is used when its major version is ours (Roslyn's API is stable within a major version,
/// and a body needs only parse, compile and emit). Otherwise, and where there is no SDK (a machine with the
/// runtime alone), the package's copy next to this program (roslyn/) is used. Roslyn's assemblies are left out
/// of the deps.json (ExcludeAssets="runtime" in the project) so that the loader asks here.</summary>
internal static class RoslynLocation
{
    private static readonly string[] Names = ["Microsoft.CodeAnalysis", "Microsoft.CodeAnalysis.CSharp"];

    /// <summary>The folder Roslyn is loaded from: the SDK's bincore, or roslyn/ next to this program.</summary>
    public static string Directory { get; private set; } = "";

#pragma warning disable CA2255 // Must run before Main is compiled: Main's types reach Roslyn's.
    [ModuleInitializer]
    internal static void Install()
#pragma warning restore CA2255
    {
        var packaged = Path.Combine(AppContext.BaseDirectory, "roslyn");
        Directory = Environment.GetEnvironmentVariable("IPC_LAB_PACKAGED_ROSLYN") == "1" ? packaged : FromSdk(packaged) ?? packaged;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            if (!Names.Contains(name.Name)) return null;
            var path = Path.Combine(Directory, name.Name + ".dll");
            return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
        };
    }

    /// <summary>The newest SDK's Roslyn folder whose Microsoft.CodeAnalysis has the packaged copy's major
    /// version, or null.</summary>
    private static string? FromSdk(string packaged)
    {
        try
        {
            int major = AssemblyName.GetAssemblyName(Path.Combine(packaged, "Microsoft.CodeAnalysis.dll")).Version?.Major ?? -1;
            // .../dotnet/shared/Microsoft.NETCore.App/<version>/System.Private.CoreLib.dll -> .../dotnet/sdk
            var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
            var sdks = Path.Combine(root, "sdk");
            if (!System.IO.Directory.Exists(sdks)) return null;
            // SDK N's Roslyn is built for .NET N: only an SDK no newer than the runtime running us will load.
            return System.IO.Directory.GetDirectories(sdks)
                .Where(sdk => int.TryParse(Path.GetFileName(sdk).Split('.')[0], out int n) && n <= Environment.Version.Major)
                .Select(sdk => Path.Combine(sdk, "Roslyn", "bincore"))
                .Where(dir => Names.All(n => File.Exists(Path.Combine(dir, n + ".dll"))))
                .Select(dir => (Dir: dir, Version: AssemblyName.GetAssemblyName(Path.Combine(dir, "Microsoft.CodeAnalysis.dll")).Version))
                .Where(x => x.Version?.Major == major)
                .OrderByDescending(x => x.Version)
                .Select(x => x.Dir)
                .FirstOrDefault();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or BadImageFormatException)
        {
            return null;
        }
    }
}
