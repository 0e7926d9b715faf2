using System.Text.Json;

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

    private static readonly Lazy<string?> ChildFramework_ = new(() => FrameworkFor(LabHome.ChildHostRuntimeConfig));

    /// <summary>The shared framework folder a child host runs on (…/shared/Microsoft.NETCore.App/8.0.11), as the
    /// dotnet host picks it from the child host's runtimeconfig.json; null when that cannot be told. The native
    /// body compiler is told to compile against it, as the dotnet-hosted one does by running on it.</summary>
    public static string? ChildFramework => ChildFramework_.Value;

    private static string? FrameworkFor(string runtimeConfig)
    {
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(runtimeConfig));
            var options = json.RootElement.GetProperty("runtimeOptions");
            var framework = options.GetProperty("framework");
            if (framework.GetProperty("name").GetString() != "Microsoft.NETCore.App") return null;
            var requested = Version.Parse(framework.GetProperty("version").GetString()!);
            var policy = Environment.GetEnvironmentVariable("DOTNET_ROLL_FORWARD")
                         ?? (options.TryGetProperty("rollForward", out var r) ? r.GetString() : null) ?? "Minor";
            // The host's real folder: /usr/bin/dotnet is often a link into the installation.
            var root = System.IO.Path.GetDirectoryName(new FileInfo(Path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Path)!;
            var shared = System.IO.Path.Combine(root, "shared", "Microsoft.NETCore.App");
            var installed = System.IO.Directory.GetDirectories(shared)
                .Select(d => Version.TryParse(System.IO.Path.GetFileName(d), out var v) ? v : null).OfType<Version>();
            var chosen = RollForward(installed, requested, policy);
            return chosen is null ? null : System.IO.Path.Combine(shared, chosen.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or KeyNotFoundException
                                      or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The framework version the dotnet host runs an app on, from the versions installed (pre-releases
    /// left out), the version the app asks for and its roll-forward policy (the runtimeconfig's rollForward or
    /// DOTNET_ROLL_FORWARD). Null when none fits or the policy is unknown.</summary>
    public static Version? RollForward(IEnumerable<Version> installed, Version requested, string policy)
    {
        var fits = installed.Where(v => v >= requested).ToList();
        Version? LatestPatchOf(int major, int minor) => fits.Where(v => v.Major == major && v.Minor == minor).Max();
        Version? SameMajor() =>
            fits.Where(v => v.Major == requested.Major).Select(v => v.Minor).Order().Cast<int?>().FirstOrDefault() is { } minor
                ? LatestPatchOf(requested.Major, minor) : null;
        return policy.ToLowerInvariant() switch
        {
            "disable" => fits.Contains(requested) ? requested : null,
            "latestpatch" => LatestPatchOf(requested.Major, requested.Minor),
            "minor" => SameMajor(),
            "major" => SameMajor() ?? (fits.Where(v => v.Major > requested.Major).OrderBy(v => v.Major).ThenBy(v => v.Minor).FirstOrDefault() is { } lowest
                ? LatestPatchOf(lowest.Major, lowest.Minor) : null),
            "latestminor" => fits.Where(v => v.Major == requested.Major).Max(),
            "latestmajor" => fits.Max(),
            _ => null,
        };
    }
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
