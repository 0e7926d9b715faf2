namespace Ipc.Lab.Benchmarks;

internal readonly record struct Stats(double Median, double P99, int Count)
{
    /// <summary>Same rank rule as the C baselines (sorted[n/2], sorted[n*0.99]), so the columns compare.</summary>
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        var s = samples.Order().ToArray();
        return new Stats(s[s.Length / 2], s[Math.Min(s.Length - 1, (int)(s.Length * 0.99))], s.Length);
    }

    public static Stats Parse(string line)
    {
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new Stats(double.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture),
            double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), 0);
    }
}
