using System.Runtime.CompilerServices;
using Ipc.Contracts;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Io;

namespace Ipc.Lab.Runtime;

/// <summary>The runtime's start and stop, in one place and in one order, instead of whichever static class a
/// notebook happens to touch first.
/// Start (before the first child or kernel object): the run directory is prepared, which removes what killed
/// runs left behind and says so; one exit hook is installed; the sweeper starts reaping children nobody
/// waits for. The guardian is started by the spawner thread on the first spawn or the first registered
/// kernel object, whichever comes first.
/// Stop (at process exit): the pre-started child host is killed, then every child still running is killed and
/// reaped. The guardian needs nothing: our exit closes its lifeline, and it removes our kernel objects and
/// kills what is left of its group.</summary>
internal static class LabRuntime
{
    private static readonly Lazy<bool> Started = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

#pragma warning disable CA2255 // A library's module initializer: it runs when Ipc.Lab loads, before any of its code.
    /// <summary>Plugs the guardian into Io, which must start it before a kernel object is registered but may
    /// not depend on the runtime (mechanisms register objects; the runtime sits beside them, not below). Tells a
    /// host that runs the notebook how to ask what a stuck cell waits for (ActivityReport).</summary>
    [ModuleInitializer]
    internal static void OnLoad()
    {
        // Tmds.LibC is loaded here, once, on the thread that first touched the lab, before any thread of ours
        // exists. In the .NET Interactive kernel, Roslyn's script assembly loader resolves a #r'd library's
        // dependency per request, and two threads that resolve it at the same moment (a cell, and the spawner
        // or the compiler's warm-up that Fork.Prepare starts) can each load a copy: then one copy's sigset_t
        // is not the other's, and a call such as pthread_sigmask fails with MissingMethodException. Measured:
        // notebook 07's first signal cell failed so in about one kernel start in three.
        _ = typeof(Tmds.Linux.LibC).Assembly;
        RunProcesses.PlugInGuardian(() =>
        {
            EnsureStarted();
            return Spawner.EnsureGuardian();
        });
        AppContext.SetData(ActivityReport.AppContextKey, (Func<string>)Activity.Describe);
    }
#pragma warning restore CA2255

    public static void EnsureStarted() => _ = Started.Value;

    private static bool Start()
    {
        _ = RunDirectory.Path;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
        ChildRegistry.StartSweeping();
        return true;
    }

    private static void Stop()
    {
        ChildPool.Drain();
        ChildRegistry.KillAll();
    }
}
