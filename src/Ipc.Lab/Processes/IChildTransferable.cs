using Ipc.Lab.Io;

namespace Ipc.Lab.Processes;

/// <summary>A kernel object a child can be given: its descriptors arrive in the child at 3, 4, ... (as after
/// fork(), the same open file descriptions), and the child rebuilds the same kind of object around them.
/// Implementers also provide <c>internal static object FromTransfer(int[] fds, string state)</c>, which the
/// child host calls.</summary>
public interface IChildTransferable
{
    ChildTransfer PrepareTransfer();
}

/// <summary>The descriptors to hand over, in order, and whatever else the child needs to rebuild the object.</summary>
public sealed record ChildTransfer(IReadOnlyList<FileDescriptor> Descriptors, string State = "");
