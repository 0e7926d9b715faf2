using Ipc.Lab.Native;

namespace Ipc.Lab.Signals;

/// <summary>Lets the calling process dump core when a Core signal kills it. Usually the core size limit is 0
/// (ulimit -c), so "Core" signals kill without a dump and the exit status does not say "core dumped". This
/// raises the limit, keeps the dump small (headers and thread registers, no memory contents: coredump_filter
/// 0) and moves into <paramref name="directory"/>, where a core_pattern of "core" puts the file.</summary>
public static unsafe class CoreDumps
{
    public static void Enable(string directory)
    {
        var limit = new SignalCalls.RLimit { Current = 64 << 20, Maximum = 64 << 20 };
        if (SignalCalls.setrlimit(SignalCalls.RLIMIT_CORE, &limit) == -1)
            throw Sys.Fail(NativeCall.SetRLimitCore, "an unprivileged process may raise its core limit only up to the hard limit (ulimit -Hc)");
        File.WriteAllText("/proc/self/coredump_filter", "0");
        Directory.CreateDirectory(directory);
        Environment.CurrentDirectory = directory;
    }

    /// <summary>/proc/sys/kernel/core_pattern: where the kernel writes dumps ("|program" pipes them to one).</summary>
    public static string Pattern => File.ReadAllText("/proc/sys/kernel/core_pattern").Trim();
}
