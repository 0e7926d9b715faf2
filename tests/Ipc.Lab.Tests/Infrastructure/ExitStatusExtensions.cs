using Ipc.Lab.Processes;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>Short forms for assertions on the two cases of an exit status.</summary>
internal static class ExitStatusExtensions
{
    /// <summary>The code passed to exit(), or null when the process did not exit.</summary>
    public static int? ExitCode(this ExitStatus status) => status is ExitStatus.Exited e ? e.Code : null;

    /// <summary>The signal that killed the process, or null when it was not killed by one.</summary>
    public static Signal? KilledBy(this ExitStatus status) => status is ExitStatus.Signaled k ? k.Signal : null;
}
