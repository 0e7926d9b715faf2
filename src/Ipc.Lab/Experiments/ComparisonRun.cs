using System.Diagnostics;

namespace Ipc.Lab.Experiments;

/// <summary>One mechanism's round trip at one placement, in C# and (where gcc is here) in C.</summary>
public sealed record RoundTripRow(MechanismInfo Mechanism, int Cpu, Percentiles CSharp, Percentiles? C)
{
    public bool Pinned => Cpu >= 0;

    /// <summary>C# median ÷ C median; null without C.</summary>
    public double? Ratio => C is null ? null : CSharp.Median / C.Median;
}

/// <summary>One mechanism's stream of messages of one size at one placement, MB/s.</summary>
public sealed record StreamPoint(MechanismInfo Mechanism, int Cpu, int Size, double CSharp, double? C)
{
    public bool Pinned => Cpu >= 0;

    /// <summary>C# MB/s ÷ C MB/s; null without C.</summary>
    public double? Ratio => C is null ? null : CSharp / C.Value;
}

/// <summary>How far a comparison has got: shown while it measures.</summary>
public sealed record ComparisonProgress(int Done, int Total, string Step, TimeSpan Elapsed);

/// <summary>Everything one <see cref="ComparisonRun.Measure"/> measured, and how.</summary>
public sealed record ComparisonResult(
    IReadOnlyList<RoundTripRow> RoundTrips, IReadOnlyList<StreamPoint> Streams, int PinnedCpu, int Trips,
    IReadOnlyList<int> Sizes, string? CMissing, TimeSpan Elapsed, double LoadAverage);

/// <summary>The whole comparison, in two steps that each fit in a notebook cell: every mechanism's round trip,
/// pinned and unpinned (<see cref="RoundTrips"/>), then streams at a few message sizes (<see cref="Streams"/>).
/// C and C# are taken in turn, mechanism by mechanism, so that a change in the machine's load shows in both
/// columns alike.</summary>
public static class ComparisonRun
{
    /// <summary>The CPU "pinned" means: the last one (the first is where interrupts tend to land).</summary>
    public static int PinnedCpu => Environment.ProcessorCount - 1;

    /// <summary>Round trips. <paramref name="cProgram"/>: the compiled ipc_compare.c, or null without gcc (the C
    /// columns stay empty, and <paramref name="cMissing"/> says why). Small counts keep it within a minute on two
    /// CPUs; they are in the result, to be said next to the figures.</summary>
    public static ComparisonResult RoundTrips(string? cProgram, string? cMissing = null, int trips = 300,
        Action<ComparisonProgress>? progress = null, IReadOnlyList<Mechanism>? only = null)
    {
        var mechanisms = (only ?? Enum.GetValues<Mechanism>()).Select(Compare.Info).ToList();
        var clock = Stopwatch.StartNew();
        var rows = new List<RoundTripRow>();
        foreach (var (m, i) in mechanisms.Select((m, i) => (m, i)))
        {
            progress?.Invoke(new ComparisonProgress(i, mechanisms.Count, $"round trip: {m.Name}", clock.Elapsed));
            foreach (int cpu in new[] { PinnedCpu, -1 })
            {
                Percentiles? c = cProgram is null ? null : Compare.RoundTripInC(cProgram, m.Mechanism, trips, cpu);
                rows.Add(new RoundTripRow(m, cpu, Compare.RoundTrip(m.Mechanism, trips, cpu), c));
            }
        }
        progress?.Invoke(new ComparisonProgress(mechanisms.Count, mechanisms.Count, "round trips done", clock.Elapsed));
        return new ComparisonResult(rows, [], PinnedCpu, trips, [], cProgram is null ? cMissing ?? "no C program" : null, clock.Elapsed, LoadAverage());
    }

    /// <summary>Streams of every mechanism that can stream, at each size, pinned and unpinned: one C# child per
    /// mechanism and placement sends all sizes; C runs once per size. Each size moves about
    /// <paramref name="streamBytes"/> bytes, in 100 to 5,000 messages.</summary>
    public static ComparisonResult Streams(ComparisonResult roundTrips, string? cProgram, int[]? sizes = null, long streamBytes = 1L << 20,
        Action<ComparisonProgress>? progress = null)
    {
        sizes ??= [64, 1024, 8192];
        var mechanisms = roundTrips.RoundTrips.Select(r => r.Mechanism).Distinct().Where(m => m.Streams).ToList();
        int[] counts = [.. sizes.Select(size => (int)Math.Clamp(streamBytes / size, 100, 5000))];
        var clock = Stopwatch.StartNew();
        var points = new List<StreamPoint>();
        foreach (var (m, i) in mechanisms.Select((m, i) => (m, i)))
        {
            progress?.Invoke(new ComparisonProgress(i, mechanisms.Count, $"stream: {m.Name}", clock.Elapsed));
            foreach (int cpu in new[] { PinnedCpu, -1 })
            {
                double?[] c = [.. sizes.Select((size, k) => cProgram is null ? (double?)null : Compare.StreamInC(cProgram, m.Mechanism, size, counts[k], cpu))];
                var cs = Compare.Stream(m.Mechanism, sizes, counts, cpu);
                points.AddRange(sizes.Select((size, k) => new StreamPoint(m, cpu, size, cs[k], c[k])));
            }
        }
        progress?.Invoke(new ComparisonProgress(mechanisms.Count, mechanisms.Count, "streams done", clock.Elapsed));
        return roundTrips with { Streams = points, Sizes = sizes, Elapsed = roundTrips.Elapsed + clock.Elapsed, LoadAverage = LoadAverage() };
    }

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
