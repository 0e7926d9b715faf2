using System.Text;
using Ipc.Lab.Experiments;

namespace Ipc.Lab.Visuals;

/// <summary>A run of <see cref="Interleave"/> drawn as lanes: one per process, time going down, and the shared
/// counter between them. A store that overwrites another process's store made after its own load is red: that
/// is the increment lost.</summary>
[TypeFormatterSource(typeof(HtmlFormatterSource), PreferredMimeTypes = ["text/html"])]
public sealed class Interleaving : IHtmlRenderable
{
    private Interleaving(InterleavingRun run, string title)
    {
        Run = run;
        Title = title;
        Overwrites = FindOverwrites(run.Steps);
    }

    public InterleavingRun Run { get; }
    public string Title { get; }

    /// <summary>For each step that is a store made stale by another process's store since its load: whose store
    /// it overwrote. Keyed by the step's index.</summary>
    public IReadOnlyDictionary<int, char> Overwrites { get; }

    public static Interleaving Of(InterleavingRun run, string? title = null) =>
        new(run ?? throw new ArgumentNullException(nameof(run)), title ?? $"Schedule {run.Schedule}: {run.Increments} increments, counter {run.Final}");

    private static Dictionary<int, char> FindOverwrites(IReadOnlyList<InterleavedStep> steps)
    {
        var lost = new Dictionary<int, char>();
        var loadedAt = new Dictionary<char, int>();   // process → the index of its last load
        int lastStore = -1;
        char lastStorer = ' ';
        for (int i = 0; i < steps.Count; i++)
        {
            var s = steps[i];
            if (s.IsLoad) loadedAt[s.Process] = i;
            else
            {
                if (lastStore > loadedAt.GetValueOrDefault(s.Process, -1) && lastStorer != s.Process) lost[i] = lastStorer;
                lastStore = i;
                lastStorer = s.Process;
            }
        }
        return lost;
    }

    public override string ToString()
    {
        var text = new StringBuilder(Title);
        for (int i = 0; i < Run.Steps.Count; i++)
        {
            var s = Run.Steps[i];
            text.Append($"\n{i + 1,3}. {s.Process} {s.Action,-5} {s.Value,3}   counter = {s.CounterAfter}");
            if (Overwrites.TryGetValue(i, out char victim)) text.Append($"   overwrites {victim}'s store: lost");
        }
        return text.Append($"\n{Run.Increments} increments, counter {Run.Final}: {Run.Lost} lost").ToString();
    }

    private const double Lane = 170, CounterLane = 120, Top = 50, Row = 26, Left = 8;

    public string ToHtml()
    {
        var processes = Run.Steps.Select(s => s.Process).Distinct().Order().ToList();
        // The counter sits in the middle, with half the processes on each side.
        int half = (processes.Count + 1) / 2;
        double counterX = Left + half * Lane;
        double X(char p) { int i = processes.IndexOf(p); return i < half ? Left + i * Lane : counterX + CounterLane + (i - half) * Lane; }
        double width = Left + processes.Count * Lane + CounterLane + 8;
        double height = Top + Run.Steps.Count * Row + 34;
        var svg = new Svg();
        foreach (var p in processes)
            svg.Text(X(p) + Lane / 2, Top - 12, $"process {p} (its register)", "middle", "font-weight:bold");
        svg.Text(counterX + CounterLane / 2, Top - 12, "shared counter", "middle", "font-weight:bold");
        for (int i = 0; i < Run.Steps.Count; i++)
        {
            var s = Run.Steps[i];
            double y = Top + i * Row, x = X(s.Process);
            bool lost = Overwrites.ContainsKey(i);
            string fill = lost ? "#f8d7da" : s.IsLoad ? "#dcebf7" : "#dff0d8";
            svg.Rect(x + 10, y, Lane - 20, Row - 6, fill, lost ? "#c0392b" : "#999", 3)
               .Text(x + 18, y + 14, s.IsLoad ? $"{i + 1}. load → {s.Value}" : $"{i + 1}. store {s.Value}" + (lost ? $" (over {Overwrites[i]}'s)" : ""),
                   fill: lost ? "#c0392b" : "#222")
               .Rect(counterX + 30, y, CounterLane - 60, Row - 6, "#fff7d6", "#999", 3)
               .Text(counterX + CounterLane / 2, y + 14, s.CounterAfter.ToString(), "middle", "font-family:monospace");
            // A load reads from the counter; a store writes into it.
            bool left = x < counterX;
            double edge = left ? x + Lane - 10 : x + 10, counterEdge = left ? counterX + 30 : counterX + CounterLane - 30;
            if (s.IsLoad) svg.Line(counterEdge, y + (Row - 6) / 2, edge, y + (Row - 6) / 2, "#1f77b4", arrow: true);
            else svg.Line(edge, y + (Row - 6) / 2, counterEdge, y + (Row - 6) / 2, lost ? "#c0392b" : "#3c763d", arrow: true);
        }
        svg.Text(Left, height - 10, $"{Run.Increments} increments, counter {Run.Final}: {Run.Lost} lost.", style: "font-weight:bold",
            fill: Run.Lost > 0 ? "#c0392b" : "#3c763d");
        return svg.ToHtml("ipc-interleaving", width, height, Title,
            "Run for real: each lane is a child process, each step one load or store of shared memory, in exactly this order (a semaphore per process gives the turns). Red: a store that overwrites a store made after its own load.");
    }
}
