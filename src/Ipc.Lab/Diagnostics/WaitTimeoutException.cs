namespace Ipc.Lab.Diagnostics;

/// <summary>A blocking call gave up. The message says who waited for what, for how long, and — where the
/// library can tell — why it never came.</summary>
public sealed class WaitTimeoutException(string message) : TimeoutException(message);
