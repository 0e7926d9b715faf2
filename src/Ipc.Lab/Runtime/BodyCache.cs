using System.Security.Cryptography;
using System.Text;

namespace Ipc.Lab.Runtime;

/// <summary>Compiled child bodies on disk, keyed by everything that makes a compilation different: the body's
/// text, its parameter types, this build of Ipc.Lab and the runtime. The same cell run again, in this kernel
/// or the next, starts its child without compiling.</summary>
internal static class BodyCache
{
    public static string Directory { get; } = Create();

    public static string Key(string source, IEnumerable<Type> parameterTypes, IEnumerable<Type> staticUsings)
    {
        var text = string.Join("\n", new[]
        {
            source,
            string.Join(",", parameterTypes.Select(TypeNames.CSharp)),
            string.Join(",", staticUsings.Select(TypeNames.CSharp)),
            typeof(BodyCache).Assembly.ManifestModule.ModuleVersionId.ToString(),
            Environment.Version.ToString(),
        });
        return "B" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    public static string PathFor(string key) => Path.Combine(Directory, key + ".dll");

    private static string Create()
    {
        var root = Environment.GetEnvironmentVariable("IPC_LAB_CACHE");
        if (string.IsNullOrEmpty(root))
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            root = !string.IsNullOrEmpty(xdg) ? Path.Combine(xdg, "ipc-lab")
                : !string.IsNullOrEmpty(home) ? Path.Combine(home, ".cache", "ipc-lab")
                : Path.Combine(Path.GetTempPath(), $"ipc-lab-cache-{Environment.UserName}");
        }
        var dir = Path.Combine(root, "bodies");
        System.IO.Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }
}
