using Ipc.Lab.Diagnostics;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;

namespace Ipc.Lab.Experiments;

/// <summary>One step of an <see cref="Interleave"/> run: which process did it, whether it loaded the shared
/// counter into its register or stored its register + 1, the value it loaded or stored, and the counter after.</summary>
public sealed record InterleavedStep(char Process, bool IsLoad, long Value, long CounterAfter)
{
    public string Action => IsLoad ? "load" : "store";
}

/// <summary>What a schedule did: its steps, the counter at the end, and how many increments the processes made.</summary>
public sealed record InterleavingRun(string Schedule, IReadOnlyList<InterleavedStep> Steps, long Final)
{
    /// <summary>Every process's complete load–store pairs: what the counter would hold if none were lost.</summary>
    public int Increments => Steps.Count(s => !s.IsLoad);

    public long Lost => Increments - Final;
}

/// <summary>counter++ on shared memory, one step at a time, in an order chosen by the caller rather than by the
/// scheduler. Each letter of the schedule is a real child process that holds a register of its own; its n-th
/// letter lets it make its n-th step — a load of the shared counter when n is odd, a store of the loaded value
/// + 1 when n is even. A semaphore per process says "your step", one more says "done", so the order is exactly
/// the schedule's, on every run: the interleaving that loses an update, made to happen on purpose.</summary>
public static class Interleave
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <paramref name="schedule"/> ("ABAB": A loads, B loads, A stores, B stores), with the
    /// counter starting at 0. Letters A to F name up to six processes; each must end on a store.</summary>
    public static InterleavingRun Run(string schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        string problem = Problem(schedule);
        if (problem.Length > 0) throw new ArgumentException(problem, nameof(schedule));
        var letters = schedule.Distinct().Order().ToArray();
        int done = letters.Length;
        using var memory = AnonymousSharedMemory.Create(16);       // the counter at 0, the last step's value at 8
        using var turns = SysVSemaphoreSet.Create(new int[letters.Length + 1],
            [.. letters.Select(l => $"{l}'s turn"), "step done"]);
        var children = letters.Select((letter, index) => Fork.Run(memory, turns, index, done, schedule.Count(c => c == letter), (m, t, me, finished, steps) =>
        {
            var counter = m.Counter(0);
            var reported = m.Counter(8);
            long register = 0;
            for (int step = 0; step < steps; step++)
            {
                t.Down(me, TimeSpan.FromSeconds(30));
                if (step % 2 == 0) register = counter.Value;      // load
                else counter.Value = ++register;                 // add, store
                reported.Value = register;
                t.Up(finished);
            }
        }, name: $"process {letter}")).ToList();
        var steps = new List<InterleavedStep>();
        var made = letters.ToDictionary(l => l, _ => 0);
        try
        {
            using (EventTrace.Pause())
                foreach (char letter in schedule)
                {
                    turns.Up(Array.IndexOf(letters, letter));
                    turns.Down(done, StepTimeout);
                    steps.Add(new InterleavedStep(letter, made[letter]++ % 2 == 0, memory.Counter(8).Value, memory.Counter(0).Value));
                }
            foreach (var child in children) child.Wait(StepTimeout);
        }
        finally
        {
            foreach (var child in children.Where(c => !c.HasExited)) child.Kill();
        }
        return new InterleavingRun(schedule, steps, memory.Counter(0).Value);
    }

    /// <summary>Why <paramref name="schedule"/> cannot run, in words; empty when it can.</summary>
    public static string Problem(string schedule)
    {
        if (schedule.Length == 0) return "The schedule is empty: give one letter per step (\"ABAB\").";
        if (schedule.FirstOrDefault(c => c is < 'A' or > 'F') is var bad && bad != '\0')
            return $"'{bad}' is not a process: name the processes A to F, one capital letter per step.";
        if (schedule.GroupBy(c => c).FirstOrDefault(g => g.Count() % 2 == 1) is { } odd)
            return $"Process {odd.Key} makes {odd.Count()} steps: it loads and never stores. Each increment is two steps, a load and then a store.";
        return "";
    }
}
