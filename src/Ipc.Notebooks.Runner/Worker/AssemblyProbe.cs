using System.Reflection;
using System.Runtime.Loader;

namespace Ipc.Notebooks.Runner.Worker;

// Resolves assemblies that #r'ed DLLs depend on from the folders those DLLs came from, into the default load
// context. Resolving the #r'ed DLLs themselves here too means each is loaded once, in one context, so a second
// DLL that references the first sees the same types and the same static state.
internal static class AssemblyProbe
{
    private static readonly object Gate = new();
    private static readonly Dictionary<string, string> Referenced = new(StringComparer.OrdinalIgnoreCase);
    private static readonly List<string> Folders = [];
    private static bool _installed;

    public static void Add(string dllPath)
    {
        lock (Gate)
        {
            Referenced.TryAdd(Path.GetFileNameWithoutExtension(dllPath), dllPath);
            var folder = Path.GetDirectoryName(dllPath)!;
            if (!Folders.Contains(folder)) Folders.Add(folder);
            if (_installed) return;
            AssemblyLoadContext.Default.Resolving += Resolve;
            _installed = true;
        }
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name is null) return null;
        string? path;
        lock (Gate)
        {
            path = Referenced.TryGetValue(name.Name, out var direct)
                ? direct
                : Folders.Select(f => Path.Combine(f, name.Name + ".dll")).FirstOrDefault(File.Exists);
        }
        return path is null ? null : context.LoadFromAssemblyPath(path);
    }
}
