using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Native;

/// <summary>sched_setaffinity(2) for the calling thread (pid 0 names the caller's own thread on Linux): the
/// comparison puts both ends of a conversation on one CPU, or leaves them to the scheduler. Only the thread
/// that makes the calls is pinned; the runtime's other threads stay where they are.</summary>
internal static unsafe class Scheduling
{
    /// <summary>Pins the calling thread to <paramref name="cpu"/>; disposing the result puts back the CPUs it
    /// had. A negative cpu leaves the thread as it is (the scheduler places it).</summary>
    public static IDisposable PinThread(int cpu)
    {
        cpu_set_t before = default;
        if (sched_getaffinity(0, sizeof(cpu_set_t), &before) != 0) throw Sys.Fail(NativeCall.SchedGetAffinity, "the calling thread");
        if (cpu < 0) return new Restore(before, false);
        cpu_set_t one = default;
        CPU_SET(cpu, &one);
        if (sched_setaffinity(0, sizeof(cpu_set_t), &one) != 0) throw Sys.Fail(NativeCall.SchedSetAffinity, $"the calling thread, CPU {cpu}");
        return new Restore(before, true);
    }

    private sealed class Restore(cpu_set_t before, bool changed) : IDisposable
    {
        private bool _done = !changed;

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            var set = before;
            sched_setaffinity(0, sizeof(cpu_set_t), &set);
        }
    }
}
