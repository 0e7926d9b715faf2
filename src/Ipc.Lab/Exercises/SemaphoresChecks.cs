using Ipc.Lab.Diagnostics;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 04-semaphores. Inputs are random; what is compared is what a correct
/// program produces on every run (the message, the value after a kill, the sequence through the buffer),
/// never which process ran first, pids, ids or timings.</summary>
public static class SemaphoresChecks
{
    private static readonly string[] Words = ["apple", "pear", "plate", "down", "up", "token", "turn", "mutex", "slot", "queue"];

    /// <summary>sem.signal: <paramref name="receive"/> has a child put the message in shared memory and UP a
    /// semaphore; the notebook DOWNs it and returns what the memory holds.</summary>
    public static CheckResult Signal(Func<string, string> receive) => Exercise.Check("sem.signal", 2, () =>
    {
        for (int i = 0; i < 2; i++)
        {
            string message = $"{Words[Random.Shared.Next(Words.Length)]}-{Random.Shared.Next(100, 10000)}";
            long mark = EventTrace.Mark();
            string got = receive(message);
            Expect.Equal(message, got, $"the text the notebook read after the child's UP, for {Expect.Show(message)}",
                "The child writes the text, then UPs; the notebook DOWNs first, then reads.");
            Expect.True(Created(mark, "semget"), "The text is right, but no semaphore set was created.",
                expected: "SysVSemaphoreSet.Create(0)", actual: "none", hint: "The point is the signal: a semaphore at 0 that the child UPs once it has written.");
        }
        return "Received two messages, each announced by a semaphore.";
    });

    /// <summary>sem.undo: <paramref name="valueAfterKill"/> lets a child take a semaphore of value 1 (with
    /// SEM_UNDO or without), kills it while it holds it, and returns the semaphore's value.</summary>
    public static CheckResult Undo(Func<bool, int> valueAfterKill) => Exercise.Check("sem.undo", 2, () =>
    {
        foreach (bool undo in Random.Shared.Next(2) == 0 ? new[] { true, false } : [false, true])
        {
            int value = valueAfterKill(undo);
            Expect.Equal(undo ? 1 : 0, value, $"the value after the holder was killed, {(undo ? "with" : "without")} SEM_UNDO",
                undo ? "Pass undo: true to the child's Down: the kernel then gives the unit back when the child dies."
                     : "Without SEM_UNDO nobody gives the unit back: the value stays 0. Kill the child only once it holds the semaphore.");
        }
        return "With SEM_UNDO the kernel gave the semaphore back; without, it stayed taken.";
    });

    /// <summary>sem.buffer: <paramref name="transfer"/> moves the values from a producer child to the notebook
    /// through a bounded buffer of <c>slots</c> longs in shared memory, and returns them as received.</summary>
    public static CheckResult Buffer(Func<long[], int, long[]> transfer) => Exercise.Check("sem.buffer", 3, () =>
    {
        int slots = Random.Shared.Next(2, 6);
        var values = Enumerable.Range(0, Random.Shared.Next(20, 60)).Select(_ => Random.Shared.NextInt64(1, 1_000_000)).ToArray();
        long mark = EventTrace.Mark();
        var got = transfer(values, slots) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the values you received.");
        Expect.Equal(string.Join(",", values), string.Join(",", got), $"the {values.Length} values received through {slots} slots, in order",
            "Producer: DOWN(empty), write slot i % slots, UP(full). Consumer: DOWN(full), read slot i % slots, UP(empty). empty starts at slots, full at 0.");
        Expect.True(Created(mark, "semget"), "The values are right, but no semaphore set was created.",
            expected: "a set with 'empty' and 'full'", actual: "none", hint: "A bounded buffer needs two counting semaphores.");
        return $"{values.Length} values through a buffer of {slots} slots, in order.";
    });

    private static bool Created(long mark, string call) =>
        EventTrace.Since(mark).Any(e => e.Process == EventTrace.ProcessName && e.Detail.StartsWith(call, StringComparison.Ordinal));
}
