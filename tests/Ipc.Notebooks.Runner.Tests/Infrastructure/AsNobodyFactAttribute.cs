namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

/// <summary>A test that runs the grader as an ordinary user (nobody, with setpriv): skipped, with the reason, where
/// the tests are not root (they cannot switch users) or setpriv is missing. CI and the course's containers run as root.</summary>
public sealed class AsNobodyFactAttribute : FactAttribute
{
    public const string SetPriv = "/usr/bin/setpriv";

    public AsNobodyFactAttribute()
    {
        var root = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
        if (!root) Skip = "needs root, to run the grader as another user (nobody)";
        else if (!File.Exists(SetPriv)) Skip = $"{SetPriv} is not installed (util-linux)";
    }
}
