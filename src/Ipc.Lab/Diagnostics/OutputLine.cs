namespace Ipc.Lab.Diagnostics;

/// <summary>One line a child wrote to its stdout or stderr, with who wrote it and when.</summary>
public sealed record OutputLine(long TimestampNs, int Pid, string Process, bool IsError, string Text)
{
    public override string ToString() => $"[{Process} {Pid}{(IsError ? " stderr" : "")}] {Text}";
}
