namespace Ipc.Lab.Io;

/// <summary>A kernel object a child can be given: its descriptors arrive in the child at 3, 4, ... (as after
/// fork(), the same open file descriptions), and the child rebuilds the same kind of object around them.
/// Implement it through <see cref="IChildTransferable{TSelf}"/>, which says how.</summary>
public interface IChildTransferable
{
    /// <summary>In the parent: the descriptors to hand over, and what else the child needs.</summary>
    ChildTransfer PrepareTransfer();
}

/// <summary>The typed half of the contract: the child host calls <see cref="FromTransfer"/> of the argument's
/// own type, so a transferable type that cannot be rebuilt does not compile.</summary>
public interface IChildTransferable<TSelf> : IChildTransferable where TSelf : IChildTransferable<TSelf>
{
    /// <summary>In the child: the same kind of object, around the descriptors that arrived at
    /// <paramref name="fds"/> and the state <see cref="IChildTransferable.PrepareTransfer"/> gave.</summary>
    static abstract TSelf FromTransfer(int[] fds, string state);
}

/// <summary>The descriptors to hand over, in order, and whatever else the child needs to rebuild the object.</summary>
public sealed record ChildTransfer(IReadOnlyList<FileDescriptor> Descriptors, string State = "")
{
    /// <summary>The typed contract <paramref name="type"/> implements, if it does.</summary>
    internal static Type? ContractOf(Type type) => type.GetInterfaces().FirstOrDefault(i =>
        i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IChildTransferable<>) && i.GenericTypeArguments[0] == type);
}
