using Ipc.Lab.Io;
using Xunit;

namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>Every test of a class deriving from this leaves /dev/shm as it found it, and the library holding
/// no object (and so keeping no list of them in the run directory).</summary>
public abstract class LeavesNoKernelObjects : IDisposable
{
    private readonly HashSet<string> _devShmBefore = KernelObjects.CourseEntriesInDevShm();

    public void Dispose()
    {
        Assert.Subset(_devShmBefore, KernelObjects.CourseEntriesInDevShm());
        Assert.Empty(ObjectRegistry.Held());
        Assert.False(File.Exists(ObjectRegistry.FilePath), "a process that holds no object keeps no list of them");
        GC.SuppressFinalize(this);
    }
}
