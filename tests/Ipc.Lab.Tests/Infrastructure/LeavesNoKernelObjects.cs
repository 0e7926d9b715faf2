using Ipc.Lab.Io;
using Xunit;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>Every test of a class deriving from this leaves /dev/shm and this user's SysV message queues (/proc/sysvipc/msg) as it found them, and the library holding
/// no object (and so keeping no list of them in the run directory).</summary>
public abstract class LeavesNoKernelObjects : IDisposable
{
    private readonly HashSet<string> _devShmBefore = KernelObjects.CourseEntriesInDevShm();
    private readonly HashSet<(int Key, int Id)> _queuesBefore = KernelObjects.SysVQueues();

    public void Dispose()
    {
        Assert.Subset(_devShmBefore, KernelObjects.CourseEntriesInDevShm());
        Assert.Subset(_queuesBefore, KernelObjects.SysVQueues());
        Assert.Empty(ObjectRegistry.Held());
        Assert.False(File.Exists(ObjectRegistry.FilePath), "a process that holds no object keeps no list of them");
        GC.SuppressFinalize(this);
    }
}
