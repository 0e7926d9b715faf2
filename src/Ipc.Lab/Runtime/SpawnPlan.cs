namespace Ipc.Lab.Runtime;

/// <summary>What to start: a program, its argv, extra environment, and whether it joins the guarded process
/// group that dies with us. Which of our descriptors it gets at which numbers is the <see cref="Plumbing"/>'s
/// part (everything else is closed: the parent's descriptors are all O_CLOEXEC).</summary>
internal sealed record SpawnPlan(string Program, IReadOnlyList<string> Argv, IReadOnlyDictionary<string, string>? Environment = null)
{
    public IReadOnlyList<(int Source, int Target)> Descriptors { get; init; } = [];

    /// <summary>When false the child gets a process group of its own (the guardian starts so).</summary>
    public bool JoinGuardedGroup { get; init; } = true;
}
