using Ipc.Lab.Diagnostics;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 02-shared-memory. Inputs are random (messages, process and increment
/// counts), so only code that really shares memory between processes passes; results are exact counts, never
/// the number of updates a race happened to lose, and nothing compares pids, timings or ids.</summary>
public static class SharedMemoryChecks
{
    private static readonly string[] Words = ["apple", "kernel", "segment", "page", "semaphore", "mmap", "counter", "race", "shmat", "plate"];

    /// <summary>shm.handoff: <paramref name="roundTrip"/> puts a message in shared memory, a child replaces it
    /// with the message in upper case, and the function returns what the memory holds afterwards.</summary>
    public static CheckResult Handoff(Func<string, string> roundTrip) => Exercise.Check("shm.handoff", 2, () =>
    {
        for (int i = 0; i < 2; i++)
        {
            string message = $"{Words[Random.Shared.Next(Words.Length)]} #{Random.Shared.Next(100, 10000)}";
            long mark = EventTrace.Mark();
            string answer = roundTrip(message);
            Expect.Equal(message.ToUpperInvariant(), answer, $"what the shared memory held after the child ran, for {Expect.Show(message)}",
                "The child reads the text from the region it was given, and writes text.ToUpperInvariant() back; wait for the child before you read.");
            Expect.True(ChildRan(mark, 1), "The answer is right, but no child process ran.",
                expected: "a child started with Fork.Run, given the shared memory", actual: "no child",
                hint: "Pass the AnonymousSharedMemory to Fork.Run: the child maps the same memory.");
        }
        return "A child read two messages from shared memory and wrote its answers there.";
    });

    /// <summary>shm.atomic: <paramref name="count"/> starts the given number of children, each adding one to a
    /// shared counter the given number of times, and returns the counter.</summary>
    public static CheckResult Atomic(Func<int, int, long> count) => Exercise.Check("shm.atomic", 3, () =>
    {
        int processes = Random.Shared.Next(2, 5), increments = Random.Shared.Next(50_000, 150_000);
        long mark = EventTrace.Mark();
        long total = count(processes, increments);
        Expect.Equal((long)processes * increments, total, $"the counter after {processes} processes added 1 to it {increments:N0} times each",
            total < (long)processes * increments
                ? "Updates were lost (or each child counted in memory of its own): give every child the same region, and use AtomicIncrement()."
                : "Each child adds exactly its number of increments, once.");
        Expect.True(ChildRan(mark, processes), $"The total is right, but fewer than {processes} child processes ran.",
            expected: $"{processes} children", actual: "fewer", hint: "Start one child per process with Fork.Run.");
        return $"{processes} processes × {increments:N0} increments = {total:N0}: nothing lost.";
    });

    /// <summary>shm.mutex: as shm.atomic, but each child makes the plain (non-atomic) increment safe by taking
    /// a System V semaphore used as a lock around it.</summary>
    public static CheckResult Mutex(Func<int, int, long> count) => Exercise.Check("shm.mutex", 3, () =>
    {
        int processes = Random.Shared.Next(2, 4), increments = Random.Shared.Next(2_000, 5_000);
        long mark = EventTrace.Mark();
        long total = count(processes, increments);
        Expect.Equal((long)processes * increments, total, $"the counter after {processes} processes added 1 to it {increments:N0} times each",
            "Take the lock (Down) before each Increment() and give it back (Up) right after; the lock starts at 1.");
        var events = EventTrace.Since(mark);
        Expect.True(events.Any(e => e.Process == EventTrace.ProcessName && e.Detail.StartsWith("semget", StringComparison.Ordinal)),
            "The total is right, but no semaphore set was created.", expected: "SysVSemaphoreSet.Create(1)", actual: "none",
            hint: "This exercise is about the lock: create a set with one semaphore at 1, and give it to each child.");
        Expect.True(ChildRan(mark, processes), $"The total is right, but fewer than {processes} child processes ran.",
            expected: $"{processes} children", actual: "fewer", hint: "Start one child per process with Fork.Run.");
        return $"{processes} processes × {increments:N0} locked increments = {total:N0}.";
    });

    /// <summary>At least <paramref name="count"/> distinct child processes reported that they started. Their
    /// events arrive over their control channels a moment after they start: waited for, bounded.</summary>
    private static bool ChildRan(long mark, int count)
    {
        long deadline = Environment.TickCount64 + 2000;
        while (true)
        {
            var started = EventTrace.Since(mark).Where(e => e.Kind == TraceKind.Started && e.Process != EventTrace.ProcessName)
                .Select(e => e.Pid).Distinct().Count();
            if (started >= count) return true;
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(20);
        }
    }
}
