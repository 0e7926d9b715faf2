using System.Diagnostics;

namespace Ipc.Notebooks.Runner.Containment;

/// <summary>An IPC namespace and a mount namespace with a /dev/shm of its own for each graded worker, where the
/// runner may make them (root, with util-linux's unshare): System V objects, POSIX queues and /dev/shm entries of
/// one submission are invisible to every other one graded in parallel, and all of them vanish with the last
/// process of the namespace — also the ones a submission made without the course library. The worker keeps its
/// pid: unshare and sh exec into it.</summary>
internal static class Namespaces
{
    private const string Script = "mount -t tmpfs -o mode=1777,size=512m ipc-notebooks-shm /dev/shm && exec \"$@\"";

    public static readonly string[] Prefix = ["unshare", "--ipc", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", Script, "ipc-notebooks-worker"];

    private static readonly Lazy<bool> Works = new(Probe);

    public static bool Available => Works.Value;

    private static bool Probe()
    {
        if (Sys.GetEuid() != 0) return false;
        try
        {
            var start = new ProcessStartInfo(Prefix[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in Prefix.Skip(1)) start.ArgumentList.Add(argument);
            start.ArgumentList.Add("true");
            using var probe = Process.Start(start)!;
            if (!probe.WaitForExit(5000))
            {
                probe.Kill();
                return false;
            }
            return probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
