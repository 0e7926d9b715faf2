using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;

namespace Ipc.Lab.Exercises;

/// <summary>A student's design for the fruit plate (exercise sem.plate2): the semaphores, each with its starting
/// value, and the steps of each role — "P name", "V name", and the one plate step of the role ("put" for the
/// father and the mother, "take" for the son and the daughter).</summary>
public sealed record PlateDesign(
    IReadOnlyList<(string Name, int Initial)> Semaphores,
    IReadOnlyList<string> Father, IReadOnlyList<string> Mother, IReadOnlyList<string> Son, IReadOnlyList<string> Daughter);

/// <summary>The plate of exercise sem.plate2, in shared memory, and a role of the family played by a real child
/// process that follows a <see cref="PlateDesign"/>'s steps on a real System V set. The plate watches itself: a
/// fruit put on a full plate, a child that finds no fruit of its kind, two processes at the plate at once —
/// each ends the process that did it with an exception that says what happened. That last one is made certain,
/// not left to timing: the first process at the plate in a scenario stays there until a rival is either at the
/// plate too or provably blocked on a semaphore (the kernel's count of waiters, GETNCNT).</summary>
public static class FruitPlate
{
    // The plate's layout in shared memory: two slots, the number of processes at the plate, the "hold" flag.
    internal const int Size = 32;
    private const long SlotA = 0, SlotB = 8, AtPlate = 16, Hold = 24;
    private const long Empty = 0, Apple = 1, Pear = 2;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>Runs in a child: plays <paramref name="role"/> for <paramref name="rounds"/> rounds, following
    /// <paramref name="steps"/> ("P space|put|V apple") on <paramref name="set"/>, whose semaphores are named, in
    /// order, by <paramref name="names"/> ("pear,apple,space").</summary>
    public static void Play(SysVSemaphoreSet set, AnonymousSharedMemory plate, string role, string steps, string names, int rounds)
    {
        var index = names.Split(',').Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        for (int round = 0; round < rounds; round++)
            foreach (var step in steps.Split('|'))
            {
                var parts = step.Split(' ', 2);
                switch (parts[0])
                {
                    case "P": set.Down(index[parts[1]], Wait); break;
                    case "V": set.Up(index[parts[1]]); break;
                    case "put": Visit(set, plate, role, put: true); break;
                    case "take": Visit(set, plate, role, put: false); break;
                }
            }
    }

    /// <summary>The fruit a role puts or takes.</summary>
    internal static string FruitOf(string role) => role is "father" or "daughter" ? "apple" : "pear";

    /// <summary>What is on the plate now: "apple, pear", "apple", "nothing".</summary>
    internal static string Show(AnonymousSharedMemory plate)
    {
        var fruits = new[] { plate.Counter(SlotA).Value, plate.Counter(SlotB).Value }.Where(v => v != Empty).Select(Name).ToList();
        return fruits.Count == 0 ? "nothing" : string.Join(", ", fruits);
    }

    /// <summary>The next visitor of the plate stays at it until a rival is at the plate or waits on a semaphore.</summary>
    internal static void HoldNextVisitor(AnonymousSharedMemory plate) => plate.Counter(Hold).Value = 1;

    private static string Name(long code) => code == Apple ? "apple" : "pear";

    private static void Visit(SysVSemaphoreSet set, AnonymousSharedMemory plate, string role, bool put)
    {
        var at = plate.Counter(AtPlate);
        try
        {
            if (at.AtomicIncrement() > 1) throw Together(role, plate);
            if (plate.Counter(Hold).CompareExchange(0, 1) == 1)
            {
                // Stay until a rival has come to the plate, or is blocked on a semaphore and so kept away from it.
                long deadline = Environment.TickCount64 + (long)Wait.TotalMilliseconds;
                while (at.Value < 2 && Enumerable.Range(0, set.Count).Sum(set.Waiting) == 0 && Environment.TickCount64 < deadline) Thread.Sleep(2);
                if (at.Value > 1) throw Together(role, plate);
            }
            string fruit = FruitOf(role);
            long code = fruit == "apple" ? Apple : Pear;
            if (put)
            {
                long slot = plate.Counter(SlotA).Value == Empty ? SlotA : plate.Counter(SlotB).Value == Empty ? SlotB : -1;
                if (slot < 0) throw new InvalidOperationException($"The {role} put a {fruit} on a full plate (it holds two: {Show(plate)}): nothing made the {role} wait for space.");
                plate.Counter(slot).Value = code;
                Console.WriteLine($"{role}: put {fruit} (the plate: {Show(plate)})");
            }
            else
            {
                long slot = plate.Counter(SlotA).Value == code ? SlotA : plate.Counter(SlotB).Value == code ? SlotB : -1;
                if (slot < 0) throw new InvalidOperationException($"The {role} came for a {fruit} and found {Show(plate)} on the plate: a semaphore let the {role} in without a {fruit} there.");
                plate.Counter(slot).Value = Empty;
                Console.WriteLine($"{role}: took {fruit} (the plate: {Show(plate)})");
            }
        }
        finally
        {
            at.AtomicAdd(-1);
        }
    }

    private static InvalidOperationException Together(string role, AnonymousSharedMemory plate) =>
        new($"The {role} was at the plate together with another process (the plate: {Show(plate)}): two processes changing it at once can put two fruits in one place, or take the same one twice. Nothing in the design kept them apart.");
}
