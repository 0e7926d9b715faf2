using Xunit;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>A test that must act as two users (it runs a program under another uid with setpriv): skipped, with
/// the reason, where the tests do not run as root or setpriv is missing. CI and the course's containers run as root.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public const string SetPriv = "/usr/bin/setpriv";

    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && !IsUidZero()) Skip = "needs root, to run a program as another user";
        else if (!File.Exists(SetPriv)) Skip = $"{SetPriv} is not installed (util-linux)";
    }

    private static bool IsUidZero() =>
        File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..];
}
