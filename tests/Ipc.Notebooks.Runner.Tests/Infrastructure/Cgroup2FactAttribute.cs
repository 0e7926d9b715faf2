namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

/// <summary>A test of the cgroup v2 sandbox, run for real where this machine lets the tests make a group in the
/// unified hierarchy below their own (and, when named, hand the given controllers to it); skipped with the reason
/// where not: no cgroup2 mount, no write access (not root), or a controller bound to a cgroup v1 hierarchy.</summary>
public sealed class Cgroup2FactAttribute : FactAttribute
{
    public Cgroup2FactAttribute(params string[] controllers)
    {
        if (Cgroup2.WhyNot(controllers) is { } why) Skip = why;
    }
}

internal static class Cgroup2
{
    /// <summary>The unified hierarchy's mount point, or null.</summary>
    public static string? Mount() =>
        File.ReadLines("/proc/mounts").Select(l => l.Split(' ')).FirstOrDefault(f => f.Length > 2 && f[2] == "cgroup2")?[1];

    /// <summary>This process's own group in it (the grader, started by the tests, makes its groups below the same).</summary>
    public static string? OwnGroup() =>
        Mount() is { } mount && File.ReadLines("/proc/self/cgroup").FirstOrDefault(l => l.StartsWith("0::", StringComparison.Ordinal)) is { } line
            ? mount + line[3..].TrimEnd('/')
            : null;

    public static string? WhyNot(IReadOnlyList<string> controllers)
    {
        if (OwnGroup() is not { } own) return "no cgroup2 hierarchy is mounted (/proc/mounts lists none)";
        var probe = Path.Combine(own, $"ipc-notebooks-probe-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot make a cgroup v2 group below {own} ({e.Message}); the grader falls back to another sandbox there";
        }
        var available = File.ReadAllText(Path.Combine(own, "cgroup.controllers")).Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        foreach (var controller in controllers.Where(c => !available.Contains(c)))
        {
            var v1 = File.ReadLines("/proc/cgroups").Select(l => l.Split('\t')).FirstOrDefault(f => f[0] == controller);
            return v1 is [_, var hierarchy, ..] && hierarchy != "0"
                ? $"the {controller} controller is bound to cgroup v1 hierarchy {hierarchy} on this machine (/proc/cgroups), so the unified hierarchy at {Mount()} cannot have it; only its core (membership, cgroup.kill, cpu.stat) is tested here"
                : $"the {controller} controller is not enabled for {own} (its cgroup.controllers: {string.Join(' ', available)})";
        }
        return null;
    }
}
