using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Benchmarks;

/// <summary>sched_setaffinity for the calling thread (pid 0 means the caller's thread on Linux). Pinning the
/// thread that does the reads and writes is what matters; the runtime's other threads may stay where they are.</summary>
internal static unsafe class Affinity
{
    public static void PinTo(int cpu)
    {
        cpu_set_t set = default;
        CPU_SET(cpu, &set);
        Set(&set, $"CPU {cpu}");
    }

    public static void Unpin()
    {
        cpu_set_t set = default;
        for (int cpu = 0; cpu < Environment.ProcessorCount; cpu++) CPU_SET(cpu, &set);
        Set(&set, "all CPUs");
    }

    private static void Set(cpu_set_t* set, string what)
    {
        if (sched_setaffinity(0, sizeof(cpu_set_t), set) != 0)
            throw new InvalidOperationException($"sched_setaffinity({what}) failed, errno {errno}");
    }
}
