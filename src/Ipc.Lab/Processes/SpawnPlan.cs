namespace Ipc.Lab.Processes;

/// <summary>What to start: a program, its argv, which of our descriptors it gets at which numbers
/// (everything else is closed: the parent's descriptors are all O_CLOEXEC), extra environment, and whether
/// it joins the guarded process group that dies with us.</summary>
internal sealed record SpawnPlan(
    string Program,
    IReadOnlyList<string> Argv,
    IReadOnlyList<(int Source, int Target)> Descriptors,
    IReadOnlyDictionary<string, string>? Environment = null,
    string? WorkingDirectory = null)
{
    /// <summary>When false the child gets a process group of its own (the guardian starts so).</summary>
    public bool JoinGuardedGroup { get; init; } = true;
}
