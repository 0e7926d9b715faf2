namespace Ipc.Lab;

/// <summary>Course-wide settings.</summary>
public static class Lab
{
    private static TimeSpan _timeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a blocking call waits when the call itself does not say. A notebook cell never hangs:
    /// it fails after this long with a message that says what waited for what.</summary>
    public static TimeSpan DefaultTimeout
    {
        get => _timeout;
        set => _timeout = value > TimeSpan.Zero ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "A timeout must be positive.");
    }

    internal static int ToMilliseconds(TimeSpan? timeout, string parameter = "timeout")
    {
        var t = timeout ?? _timeout;
        if (t <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(parameter, t, "A timeout must be positive: every blocking call in this course is bounded.");
        return (int)Math.Min(int.MaxValue, Math.Ceiling(t.TotalMilliseconds));
    }
}
