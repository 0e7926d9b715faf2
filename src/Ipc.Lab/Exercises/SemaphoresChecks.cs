using Ipc.Lab.Diagnostics;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 04-semaphores. Inputs are random; what is compared is what a correct
/// program produces on every run (the message, the value after a kill, the sequence through the buffer),
/// never which process ran first, pids, ids or timings.</summary>
public static class SemaphoresChecks
{
    private static readonly string[] Words = ["apple", "pear", "plate", "down", "up", "token", "turn", "mutex", "slot", "queue"];

    /// <summary>sem.signal: <paramref name="receive"/> has a child put the message in shared memory and UP
    /// 'written'; the child then stays until the notebook UPs 'read' (it stands for a process with more work to
    /// do). The notebook DOWNs 'written', reads, UPs 'read' and returns the text. What makes the semaphore the
    /// signal is an order that a correct program forces on every run: the child cannot exit before the
    /// notebook's UP, which comes after its DOWN. A notebook that waits for the child's exit and DOWNs only then
    /// (releasing the child first) shows the opposite order; one that waits without releasing it deadlocks.</summary>
    public static CheckResult Signal(Func<string, string> receive) => Exercise.Check("sem.signal", 2, () =>
    {
        for (int i = 0; i < 2; i++)
        {
            string message = $"{Words[Random.Shared.Next(Words.Length)]}-{Random.Shared.Next(100, 10000)}";
            long mark = EventTrace.Mark();
            string got;
            try
            {
                got = receive(message);
            }
            catch (WaitTimeoutException e)
            {
                throw new CheckFailedException("Something waited forever. If the notebook waited for the child to exit before its UP of 'read', the two wait for each other: a deadlock.",
                    expected: "the notebook: DOWN 'written', read, UP 'read', then wait for the child", actual: e.Message,
                    hint: "The child exits only after the notebook's UP of 'read'. Wait for the child last.");
            }
            Expect.Equal(message, got, $"the text the notebook read after the child's UP, for {Expect.Show(message)}",
                "The child writes the text, then UPs 'written'; the notebook DOWNs 'written' first, then reads.");
            Expect.True(Created(mark, "semget"), "The text is right, but no semaphore set was created.",
                expected: "SysVSemaphoreSet.Create([0, 0], [\"written\", \"read\"])", actual: "none", hint: "The point is the signal: a semaphore at 0 that the child UPs once it has written.");
            bool childSynced = EventTrace.WaitUntil(mark, events => events.Any(e => IsChild(e) && IsUp(e)) && events.Any(e => IsChild(e) && IsDown(e)), TraceDelay);
            var events = EventTrace.Since(mark);
            Expect.True(events.Any(e => IsChild(e) && IsUp(e)), "The text is right, but the child never UPped a semaphore.", expected: "an UP of 'written' in the child, after it wrote", actual: "none",
                hint: "In the child: write the text, then Up(0).");
            Expect.True(childSynced, "The child UPped, but never DOWNed 'read': it did not wait for the notebook to have read.",
                expected: "a DOWN of 'read' in the child, after its UP", actual: "none", hint: "In the child, after Up(0): Down(1), so that it stays until the notebook has read.");
            var notebookDown = events.FirstOrDefault(e => e.Process == EventTrace.ProcessName && IsDown(e));
            Expect.True(notebookDown is not null, "The text is right, but the notebook never DOWNed the semaphore: it waited for something else.",
                expected: "a DOWN of 'written' in the notebook before it reads", actual: "none",
                hint: "DOWN 'written' (with a timeout), then read.");
            var children = events.Where(e => IsChild(e) && IsUp(e)).Select(e => e.Pid).ToHashSet();
            var exitedFirst = events.FirstOrDefault(e => e.Kind == TraceKind.Exited && children.Contains(e.Pid) && e.TimestampNs < notebookDown!.TimestampNs);
            Expect.True(exitedFirst is null, "The text is right, but the child had exited before the notebook's DOWN: the notebook waited for the exit, and the DOWN came too late to be the signal.",
                expected: "the notebook's DOWN while the child still runs (the child waits for 'read')", actual: $"{exitedFirst?.Detail}, then the notebook's {notebookDown!.Detail}",
                hint: "Waiting for the exit is not the point: a child with more work to do would keep the notebook waiting. DOWN 'written', read, UP 'read', and wait for the child last.");
            Expect.True(events.Any(e => e.Process == EventTrace.ProcessName && IsUp(e) && e.TimestampNs > notebookDown.TimestampNs),
                "The notebook never UPped 'read' after its DOWN: it let the child go before it had read.",
                expected: "the notebook: DOWN 'written', read, then UP 'read'", actual: Expect.Show(events.Where(e => e.Process == EventTrace.ProcessName && (IsUp(e) || IsDown(e))).Select(e => e.Detail).ToList()),
                hint: "UP 'read' only once the text is read: it tells the child the memory may change.");
        }
        return "Received two messages: each announced by a semaphore while its child still ran, and acknowledged by another.";
    });

    /// <summary>sem.undo: <paramref name="valueAfterKill"/> lets a child take a semaphore of value 1 (with
    /// SEM_UNDO or without), kills it while it holds it, and returns the semaphore's value.</summary>
    public static CheckResult Undo(Func<bool, int> valueAfterKill) => Exercise.Check("sem.undo", 2, () =>
    {
        foreach (bool undo in Random.Shared.Next(2) == 0 ? new[] { true, false } : [false, true])
        {
            long mark = EventTrace.Mark();
            int value = valueAfterKill(undo);
            Expect.True(Created(mark, "semget"), "No semaphore set was created.", expected: "a set with a lock at 1", actual: "none",
                hint: "Create the set with SysVSemaphoreSet.Create, and let a child take the lock.");
            bool childDown = EventTrace.WaitUntil(mark, events => events.Any(e => ChildDown(e, undo)), TraceDelay);
            Expect.True(childDown, $"No child took the lock {(undo ? "with" : "without")} SEM_UNDO.",
                expected: $"a child's Down(0, undo: {(undo ? "true" : "false")})", actual: Expect.Show(EventTrace.Since(mark).Where(e => e.Process != EventTrace.ProcessName && e.Detail.StartsWith("DOWN", StringComparison.Ordinal)).Select(e => $"{e.Process}: {e.Detail}").ToList()),
                hint: "Start a child with Fork.Run that takes the lock with Down(0, undo: u), passing your argument as u.");
            Expect.True(EventTrace.Since(mark).Any(e => e.Process == EventTrace.ProcessName && e.Kind == TraceKind.Signal && e.Detail.StartsWith("sent SIGKILL", StringComparison.Ordinal)),
                "The child was not killed with SIGKILL.", expected: "holder.Kill(Signal.SIGKILL)", actual: "no SIGKILL sent",
                hint: "Wait until the child says it holds the lock, then kill it with SIGKILL: it must die holding the lock.");
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
        Expect.True(EventTrace.WaitUntil(mark, events => events.Count(e => e.Process != EventTrace.ProcessName && e.Detail.StartsWith("UP ", StringComparison.Ordinal)) >= values.Length, TraceDelay),
            "The values are right, but no producer child UPped once per value.", expected: $"a child that UPs 'full' {values.Length} times",
            actual: $"{EventTrace.Since(mark).Count(e => e.Process != EventTrace.ProcessName && e.Detail.StartsWith("UP ", StringComparison.Ordinal))} UPs in children",
            hint: "The producer is a child: for each value DOWN(empty), write slot i % slots, UP(full).");
        int downs = EventTrace.Since(mark).Count(e => e.Process == EventTrace.ProcessName && IsDown(e));
        Expect.True(downs >= values.Length, "The values are right, but the notebook did not DOWN once per value.", expected: $"at least {values.Length} DOWNs of 'full' in the notebook",
            actual: $"{downs}", hint: "The consumer is the notebook: for each value DOWN(full), read slot i % slots, UP(empty).");
        return $"{values.Length} values through a buffer of {slots} slots, in order.";
    });

    // How long a child's trace events may take to arrive over its control channel.
    /// <summary>sem.plate2: <paramref name="design"/> gives semaphores and the steps of four roles for a plate that
    /// holds two fruits. Real children play the roles on a real set, in four scenarios a right design passes on
    /// every run: the father and the mother put at the same time on an empty plate (both fit, one at a time); a
    /// third fruit waits while the plate is full; the son and the daughter take at the same time while the third
    /// fruit waits; the daughter takes the last apple. The plate itself reports a fruit on a full plate, a child
    /// that finds no fruit of its kind, or two processes at the plate at once (see <see cref="FruitPlate"/>). At
    /// the end the plate is empty and every semaphore is back at its starting value.</summary>
    public static CheckResult Plate(Func<PlateDesign> design) => Exercise.Check("sem.plate2", 3, () =>
    {
        var d = design() ?? throw new CheckFailedException("Your function returned null.", hint: "Return a new PlateDesign(...).");
        var names = Validate(d);
        using var set = SysVSemaphoreSet.Create([.. d.Semaphores.Select(s => s.Initial)], [.. names]);
        using var plate = AnonymousSharedMemory.Create(FruitPlate.Size);
        var steps = new Dictionary<string, string>
        {
            ["father"] = string.Join("|", d.Father), ["mother"] = string.Join("|", d.Mother),
            ["son"] = string.Join("|", d.Son), ["daughter"] = string.Join("|", d.Daughter),
        };
        string joined = string.Join(",", names);
        var started = new List<ChildProcess>();
        ChildProcess Start(string role) 
        {
            var child = Fork.Run(set, plate, role, steps[role], joined, (s, p, r, st, n) => FruitPlate.Play(s, p, r, st, n, 1), name: role);
            started.Add(child);
            return child;
        }
        void Finish(string scenario, params ChildProcess[] children)
        {
            foreach (var c in children) c.Wait(TimeSpan.FromSeconds(30));
            foreach (var c in children)
                if (c.Failure is { } f)
                    throw new CheckFailedException($"{scenario}: the {c.Name} failed.", expected: "every role does its round", actual: f.Message, hint: Hint(f.Message));
                else if (c.Status is not { Success: true })
                    throw new CheckFailedException($"{scenario}: the {c.Name} {c.Status}.", hint: "Each role does one round of its steps and exits.");
        }
        try
        {
            // 1. Both parents at once on an empty plate: both fruits fit, and only one is at the plate at a time.
            FruitPlate.HoldNextVisitor(plate);
            var father = Start("father");
            var mother = Start("mother");
            Finish("The father and the mother put a fruit each on an empty plate at the same time", father, mother);
            Expect.Equal("apple, pear", string.Join(", ", FruitPlate.Show(plate).Split(", ").Order()), "the plate after both parents put a fruit",
                "The plate holds two fruits: with nobody eating, both parents' fruits fit on it.");

            // 2. A third fruit on a full plate must wait — in a P, where the kernel counts it as a waiter.
            var third = Start("father");
            long deadline = Environment.TickCount64 + 10_000;
            while (Enumerable.Range(0, set.Count).Sum(set.Waiting) == 0 && third.Status is null && Environment.TickCount64 < deadline) Thread.Sleep(2);
            if (third.Status is not null)
            {
                Finish("The father put a third fruit while the plate held two", third);
                throw new CheckFailedException("The father put a third fruit on a plate that holds two.", hint: "A semaphore must count the free places: the father waits on it while there is none.");
            }
            Expect.True(Enumerable.Range(0, set.Count).Sum(set.Waiting) > 0, "With the plate full, the father's third fruit neither waited on a semaphore nor went on.",
                expected: "the father blocked in a P", actual: set.Describe(), hint: "Wait for space with a P before the put.");

            // 3. Son and daughter at once, while the father waits with his third apple.
            FruitPlate.HoldNextVisitor(plate);
            var son = Start("son");
            var daughter = Start("daughter");
            Finish("The son and the daughter each took a fruit at the same time, while the father waited with a third", son, daughter, third);

            // 4. The daughter takes the apple the father could put at last.
            Finish("The daughter took the last apple", Start("daughter"));
            Expect.Equal("nothing", FruitPlate.Show(plate), "the plate at the end", "Three fruits put, three taken: the plate ends empty.");
            var after = Enumerable.Range(0, set.Count).Select(i => set[i]).ToArray();
            Expect.Equal(Expect.Show(d.Semaphores.Select(s => s.Initial).ToList()), Expect.Show(after.ToList()), $"the semaphores ({string.Join(", ", names)}) at the end, against their starting values",
                "Every P of a fruit's journey is matched by a V: once the plate is empty again, every semaphore is back where it started.");
        }
        finally
        {
            foreach (var c in started) c.Dispose();
        }
        return "Two fruits fit, a third waited, nobody met anyone at the plate, everyone got their own fruit, and every semaphore ended where it started.";
    });

    private static string Hint(string failure) =>
        failure.Contains("together with another process", StringComparison.Ordinal) ? "Two places on the plate means two processes can pass a P on the space at once. Keep them apart at the plate itself: a semaphore that starts at 1 (a mutex), taken just around the put and the take."
        : failure.Contains("full plate", StringComparison.Ordinal) ? "Count the free places with a semaphore that starts at 2, and P it before every put."
        : failure.Contains("found", StringComparison.Ordinal) ? "Each child must wait on a semaphore that counts the fruits of its own kind, and each parent V's the one of its fruit."
        : failure.Contains("took longer", StringComparison.Ordinal) || failure.Contains("waited", StringComparison.Ordinal)
            ? "Someone waited for ever. If it was in a P of the mutex, look at who held the mutex while waiting for something else: take the space (or the fruit) before the mutex, never the other way round."
        : "Read the failure: it says what the plate saw.";

    private static IReadOnlyList<string> Validate(PlateDesign d)
    {
        var names = (d.Semaphores ?? []).Select(s => s.Name?.Trim() ?? "").ToList();
        Expect.True(names.Count is > 0 and <= 8 && names.All(n => n.Length > 0 && !n.Contains(',') && !n.Contains('|') && !n.Contains(' ')),
            "The semaphores need names: one word each, one to eight of them.", actual: Expect.Show(names), hint: "Semaphores: [(\"space\", 2), (\"apple\", 0), ...]");
        Expect.True(names.Distinct().Count() == names.Count, "Two semaphores have the same name.", actual: Expect.Show(names));
        Expect.True(d.Semaphores!.All(s => s.Initial is >= 0 and <= 100), "A semaphore's starting value is a count: 0 or more (and here at most 100).", actual: Expect.Show(d.Semaphores!.Select(s => s.Initial).ToList()));
        foreach (var (role, steps, plateStep) in new[] { ("father", d.Father, "put"), ("mother", d.Mother, "put"), ("son", d.Son, "take"), ("daughter", d.Daughter, "take") })
        {
            var list = (steps ?? []).Select(s => (s ?? "").Trim()).ToList();
            Expect.True(list.Count(s => s == plateStep) == 1 && !list.Contains(plateStep == "put" ? "take" : "put"),
                $"The {role}'s steps must have exactly one \"{plateStep}\" (and no \"{(plateStep == "put" ? "take" : "put")}\").", actual: Expect.Show(list));
            foreach (var step in list.Where(s => s != plateStep))
            {
                var parts = step.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Expect.True(parts.Length == 2 && parts[0] is "P" or "V" && names.Contains(parts[1]),
                    $"The {role}'s step \"{step}\" is not \"P name\", \"V name\" or \"{plateStep}\" with a semaphore of your design.", actual: Expect.Show(list),
                    hint: $"Your semaphores: {string.Join(", ", names)}.");
            }
        }
        return names;
    }

    private static readonly TimeSpan TraceDelay = TimeSpan.FromSeconds(2);

    // A DOWN that completed: at once (Note "DOWN x"), or after a wait (Woke "DOWN x done").
    private static bool IsDown(TraceEvent e) =>
        e.Kind is TraceKind.Note or TraceKind.Woke && e.Detail.StartsWith("DOWN ", StringComparison.Ordinal);

    private static bool IsUp(TraceEvent e) => e.Kind == TraceKind.Note && e.Detail.StartsWith("UP ", StringComparison.Ordinal);

    private static bool IsChild(TraceEvent e) => e.Process != EventTrace.ProcessName;

    private static bool ChildDown(TraceEvent e, bool undo) =>
        e.Process != EventTrace.ProcessName && IsDown(e) && e.Detail.EndsWith("(SEM_UNDO)", StringComparison.Ordinal) == undo;

    private static bool Created(long mark, string call) =>
        EventTrace.Since(mark).Any(e => e.Process == EventTrace.ProcessName && e.Detail.StartsWith(call, StringComparison.Ordinal));
}
