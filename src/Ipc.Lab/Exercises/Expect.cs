using System.Collections;

namespace Ipc.Lab.Exercises;

/// <summary>Assertions for checks. Each failure is a <see cref="CheckFailedException"/> whose text is written
/// for the student: what was compared, both values, and what to look at.</summary>
public static class Expect
{
    public static void Equal<T>(T expected, T actual, string what, string? hint = null)
    {
        if (EqualityComparer<T>.Default.Equals(expected, actual)) return;
        throw new CheckFailedException($"{Capitalised(what)} is not what it should be.", Show(expected), Show(actual), hint);
    }

    public static void True(bool condition, string problem, string? expected = null, string? actual = null, string? hint = null)
    {
        if (!condition) throw new CheckFailedException(problem, expected, actual, hint);
    }

    /// <summary>Same items, in any order, each as many times (a multiset): for results whose order depends
    /// on how the scheduler ran the processes.</summary>
    public static void SameItems<T>(IEnumerable<T> expected, IEnumerable<T>? actual, string what, string? hint = null) where T : notnull
    {
        if (actual is null) throw new CheckFailedException($"{Capitalised(what)}: your code returned null.", Show(expected.ToList()), "null", hint);
        var want = expected.ToList();
        var got = actual.ToList();
        var missing = Counts(want);
        foreach (var item in got)
            if (missing.TryGetValue(item, out int n)) missing[item] = n - 1;
        var lacking = missing.Where(p => p.Value > 0).SelectMany(p => Enumerable.Repeat(p.Key, p.Value)).ToList();
        var extra = Counts(got);
        foreach (var item in want)
            if (extra.TryGetValue(item, out int n)) extra[item] = n - 1;
        var surplus = extra.Where(p => p.Value > 0).SelectMany(p => Enumerable.Repeat(p.Key, p.Value)).ToList();
        if (lacking.Count == 0 && surplus.Count == 0) return;
        var problem = $"{Capitalised(what)} differ (order does not matter).";
        if (lacking.Count > 0) problem += $" Missing: {Show(lacking)}.";
        if (surplus.Count > 0) problem += $" Not expected: {Show(surplus)}.";
        throw new CheckFailedException(problem, Show(want), Show(got), hint);
    }

    private static Dictionary<T, int> Counts<T>(IEnumerable<T> items) where T : notnull
    {
        var counts = new Dictionary<T, int>();
        foreach (var item in items) counts[item] = counts.GetValueOrDefault(item) + 1;
        return counts;
    }

    private static string Capitalised(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>A value as the student would write it: strings quoted and escaped, lists in brackets.</summary>
    internal static string Show(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\0", "\\0") + "\"",
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };
}
