namespace Ipc.Lab.Diagnostics;

/// <summary>What a process did: the kinds a timeline draws.</summary>
public enum TraceKind
{
    Spawned, Started, Exited, Wrote, Read, Blocked, Woke, EndOfFile, Closed, Stdout, Stderr, Signal, Note,
}

/// <summary>One thing one process did, at a time on CLOCK_MONOTONIC, which all processes of the machine
/// share: events of a parent and its children can be put on one time axis.</summary>
public sealed record TraceEvent(long TimestampNs, int Pid, string Process, TraceKind Kind, string Detail, int Fd = -1, long Bytes = -1)
{
    public override string ToString() => $"{TimestampNs / 1e6,12:F3} ms  {Process,-12} {Kind,-9} {Detail}";
}
