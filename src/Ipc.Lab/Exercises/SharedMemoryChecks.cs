using Ipc.Lab.Diagnostics;
using Ipc.Lab.Experiments;
using Ipc.Lab.Semaphores;

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

    /// <summary>shm.atomic: <paramref name="count"/> starts the given number of children, each waiting at the
    /// start line (DOWN on semaphore 0 of the set the check gives) and then adding one to a shared counter the
    /// given number of times; it returns the counter. The check lets the children go only once the kernel reports
    /// all of them waiting at the line at the same time, so children run one after another (where nothing can
    /// be lost, atomic or not) never pass.</summary>
    public static CheckResult Atomic(Func<int, int, SysVSemaphoreSet, long> count) => Exercise.Check("shm.atomic", 3, () =>
    {
        int processes = Random.Shared.Next(2, 5), increments = Random.Shared.Next(50_000, 150_000);
        long mark = EventTrace.Mark();
        using var startLine = SysVSemaphoreSet.Create(0, "start line");
        var (total, together) = WithStartLine(startLine, processes, () => count(processes, increments, startLine));
        Expect.True(together, $"The kernel never saw {processes} children waiting at the start line at once: they did not run at the same time, and children that run one after another cannot lose an update.",
            expected: $"{processes} processes blocked in DOWN on the start line together", actual: "fewer at any moment",
            hint: "Start every child first, each doing startLine.Down(0, timeout) before its loop, and only then wait for them.");
        Expect.Equal((long)processes * increments, total, $"the counter after {processes} processes added 1 to it {increments:N0} times each",
            total < (long)processes * increments
                ? "Updates were lost (or each child counted in memory of its own): give every child the same region, and use AtomicIncrement()."
                : "Each child adds exactly its number of increments, once.");
        Expect.True(ChildRan(mark, processes), $"The total is right, but fewer than {processes} child processes ran.",
            expected: $"{processes} children", actual: "fewer", hint: "Start one child per process with Fork.Run.");
        return $"{processes} processes at once × {increments:N0} increments = {total:N0}: nothing lost.";
    });

    /// <summary>shm.schedule: <paramref name="schedule"/> returns, for two processes A and B that each add 1 to a
    /// shared counter <c>increments</c> times (a load, then a store of what was loaded + 1), an order of their
    /// steps that leaves the counter at 2. The check runs that order for real (<see cref="Interleave"/>: two
    /// children, one step at a time, in exactly that order), so the answer is what the processes did, not what
    /// the student claims; and it asks for two random numbers of increments, so one memorised string does not do.</summary>
    public static CheckResult Schedule(Func<int, string> schedule) => Exercise.Check("shm.schedule", 3, () =>
    {
        var runs = new List<string>();
        foreach (int increments in new[] { 2, 3, 4, 5, 6 }.OrderBy(_ => Random.Shared.Next()).Take(2).Order())
        {
            string order = schedule(increments) ?? throw new CheckFailedException("Your function returned null.", hint: "Return a string of A's and B's.");
            string problem = Interleave.Problem(order);
            Expect.True(problem.Length == 0, $"The schedule {Expect.Show(order)} cannot run: {problem}", hint: "One letter per step: \"ABAB\" is A loads, B loads, A stores, B stores.");
            foreach (char p in new[] { 'A', 'B' })
                Expect.True(order.Count(c => c == p) == 2 * increments,
                    $"In {Expect.Show(order)}, process {p} makes {order.Count(c => c == p)} steps; with {increments} increments it makes {2 * increments} (a load and a store each).",
                    expected: $"{2 * increments} A's and {2 * increments} B's, nothing else", actual: order,
                    hint: "Every increment must happen: losing updates by leaving steps out does not count.");
            Expect.True(order.All(c => c is 'A' or 'B'), $"Only A and B take part; {Expect.Show(order)} names others.", hint: "Two processes: A and B.");
            var run = Interleave.Run(order);
            Expect.Equal(2L, run.Final, $"the counter after your schedule for {increments} increments each ({2 * increments} in all), run for real",
                run.Final > 2
                    ? "Lose more: a process that loads early and stores late overwrites everything the other one stored in between. Can the last store write 2?"
                    : "Each store writes the value its process loaded, plus 1.");
            runs.Add($"{order} ({increments} each: {run.Increments} increments, counter 2)");
        }
        return $"Run for real: {string.Join("; ", runs)}. However many increments, two processes can leave 2.";
    });

    /// <summary>Runs <paramref name="run"/> on this thread while another thread waits until
    /// <paramref name="processes"/> processes wait at the start line together, then lets them all go. If they
    /// never do, it lets whoever waits go anyway (so that nothing hangs) and reports it.</summary>
    private static (long Result, bool Together) WithStartLine(SysVSemaphoreSet startLine, int processes, Func<long> run)
    {
        bool together = false;
        using var stop = new CancellationTokenSource();
        var starter = new Thread(() =>
        {
            // Up to 30 s for the first child to reach the line (its body may have to be compiled), then 5 s for
            // the others: started one after the other, they are there within milliseconds of each other.
            long deadline = Environment.TickCount64 + 30_000;
            bool first = false;
            while (!stop.IsCancellationRequested && Environment.TickCount64 < deadline)
            {
                int waiting = startLine.Waiting(0);
                if (waiting >= processes)
                {
                    together = true;
                    startLine.Up(0, count: processes);
                    return;
                }
                if (waiting > 0 && !first)
                {
                    first = true;
                    deadline = Environment.TickCount64 + 5_000;
                }
                Thread.Sleep(1);
            }
            // Not all together: from now on, whoever comes to the line passes (a big count, given once).
            if (!stop.IsCancellationRequested) startLine.Up(0, count: 1_000);
        }) { IsBackground = true, Name = "start line" };
        starter.Start();
        long result;
        try
        {
            result = run();
        }
        finally
        {
            stop.Cancel();
            starter.Join();
        }
        return (result, Volatile.Read(ref together));
    }

    /// <summary>shm.mutex: as shm.atomic, but each child makes the plain (non-atomic) increment safe by taking
    /// a System V semaphore used as a lock around it. The children's UPs are in the trace: the check counts them,
    /// so a lock that is created but not used (with atomics doing the work) does not pass.</summary>
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
        long expectedUps = (long)processes * increments;
        EventTrace.WaitUntil(mark, es => ChildUps(es) >= expectedUps, TimeSpan.FromSeconds(3));
        long ups = ChildUps(EventTrace.Since(mark));
        Expect.True(ups >= expectedUps, $"The total is right, but the children released the lock {ups:N0} times for {expectedUps:N0} increments: the lock did not guard each increment.",
            expected: $"at least {expectedUps:N0} UPs by the children", actual: $"{ups:N0}",
            hint: "Each child takes the lock (Down) before every Increment() and gives it back (Up) right after — not AtomicIncrement(), not one Down for the whole loop.");
        return $"{processes} processes × {increments:N0} locked increments = {total:N0}.";
    });

    private static long ChildUps(IEnumerable<TraceEvent> events) =>
        events.LongCount(e => e.Process != EventTrace.ProcessName && e.Kind == TraceKind.Note && e.Detail.StartsWith("UP ", StringComparison.Ordinal));

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
