namespace Ipc.Lab.Runtime;

/// <summary>The dotnet executable that starts a child host or the compiler: the one running us, when we run
/// under dotnet; otherwise the SDK's or DOTNET_ROOT's; otherwise the first on PATH.</summary>
internal static class DotnetHost
{
    private static readonly Lazy<string> Path_ = new(Find);

    public static string Path => Path_.Value;

    private static string Find()
    {
        var self = Environment.ProcessPath;
        if (self is not null && System.IO.Path.GetFileName(self) == "dotnet") return self;
        foreach (var candidate in new[]
                 {
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"),
                     Combine(Environment.GetEnvironmentVariable("DOTNET_ROOT"), "dotnet"),
                     Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(typeof(object).Assembly.Location))), "dotnet"),
                 })
        {
            if (!string.IsNullOrEmpty(candidate) && File.Exists(candidate)) return candidate;
        }
        return ProgramPath.Resolve("dotnet");
    }

    private static string? Combine(string? dir, string file) => dir is null ? null : System.IO.Path.Combine(dir, file);
}

internal static class ProgramPath
{
    /// <summary>PATH lookup done here rather than by posix_spawnp, so that "not found" names the program and
    /// the folders searched.</summary>
    public static string Resolve(string program)
    {
        if (program.Contains('/')) return File.Exists(program) ? System.IO.Path.GetFullPath(program)
            : throw new FileNotFoundException($"The program {program} does not exist.", program);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, program);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"The program '{program}' was not found on PATH ({path}). Check its name, or install it.", program);
    }
}
