namespace Ipc.Lab.Io;

/// <summary>A kernel object that other processes reach by its name (a FIFO's path, say), not by inheriting a
/// descriptor: it is not handed to a child as an object, and Fork.Run says how to pass it instead.</summary>
public interface IReachedByName
{
    /// <summary>The name another process opens it by.</summary>
    string Name { get; }

    /// <summary>What to give a child instead, and how it opens the object: the advice Fork.Run's refusal gives.</summary>
    string PassInstead { get; }
}
