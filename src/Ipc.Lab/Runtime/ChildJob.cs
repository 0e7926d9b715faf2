namespace Ipc.Lab.Runtime;

/// <summary>What a child host is asked to run: the compiled body, and its arguments. Sent as the first message
/// on the control channel (fd <see cref="ControlFd"/> in the child).</summary>
internal sealed record ChildJob(
    string Name,
    string Assembly,
    string TypeName,
    IReadOnlyList<ChildArgument> Arguments,
    bool TraceEnabled,
    double DefaultTimeoutMs,
    string WorkingDirectory,
    bool DescriptorsAttached)
{
    /// <summary>Where the child finds its control channel: high enough to stay out of the way of the
    /// descriptors it is given (3, 4, ...), as a C child after fork() would see them.</summary>
    public const int ControlFd = 99;

    /// <summary>The most descriptors one child can be given. A pre-started host holds /dev/null at 3 ..
    /// 3 + MaxDescriptors - 1 until its job arrives, so the runtime's own descriptors stay out of that range.</summary>
    public const int MaxDescriptors = 64;

    public const int FirstDescriptor = 3;

    /// <summary>The one datagram a pre-started host sends when its runtime is up and warmed and it waits for its
    /// job: until then the pool does not count it as ready, so a job is never queued behind .NET's start.</summary>
    public const byte ReadyMarker = (byte)'R';
}

/// <summary>One argument of the body: a plain value as JSON, or a transferable kernel object whose descriptors
/// sit at <see cref="Fds"/> in the child.</summary>
internal sealed record ChildArgument(string Type, string? Json, int[] Fds, string? State);
