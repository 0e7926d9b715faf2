namespace Ipc.Lab.Diagnostics;

/// <summary>An exception that escaped a child body, as the child reported it to its parent.</summary>
public sealed record ChildFailure(string ExceptionType, string Message, string Where)
{
    public override string ToString() => $"{ExceptionType}: {Message}{(Where.Length > 0 ? $" ({Where})" : "")}";
}
