using Ipc.Lab.Diagnostics;
using Ipc.Lab.Pipes;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 01-pipes. Each calls the student's function with inputs chosen at random
/// (capacities, questions, messages), so only code that really uses the pipe passes; and none compares pids,
/// descriptor numbers, timings or the order in which processes happened to run.</summary>
public static class PipesChecks
{
    // How long a child's trace events may take to arrive over its control channel.
    private static readonly TimeSpan TraceDelay = TimeSpan.FromSeconds(2);

    private static readonly int[] Capacities = [4096, 8192, 16384, 32768, 131072, 262144];
    private static readonly string[] Words = ["apple", "kernel", "socket", "pipe", "signal", "buffer", "fork", "zebra", "queue", "mmap"];

    /// <summary>pipes.capacity: <paramref name="measure"/> fills the given pipe in non-blocking mode until
    /// EAGAIN and returns how many bytes it wrote.</summary>
    public static CheckResult Capacity(Func<Pipe, int> measure) => Exercise.Check("pipes.capacity", 2, () =>
    {
        var measured = new List<int>();
        foreach (int asked in Capacities.OrderBy(_ => Random.Shared.Next()).Take(3))
        {
            using var pipe = Pipe.Create(capacity: asked);
            int capacity = pipe.Capacity;
            int returned = measure(pipe);
            int held = pipe.BytesInPipe;
            Expect.True(held == capacity,
                $"After your function ran, a pipe of capacity {capacity} held {held} bytes: it was not filled.",
                expected: $"{capacity} bytes in the pipe", actual: $"{held} bytes in the pipe",
                hint: "Measure by writing: set NonBlocking = true on the write end, then write until the write fails with EAGAIN.");
            Expect.Equal(capacity, returned, $"the capacity your function returned for a pipe of {capacity} bytes",
                "Return the total number of bytes written before EAGAIN (each Write returns how many bytes it took).");
            measured.Add(capacity);
        }
        return $"Measured pipes of {string.Join(", ", measured.Select(c => c.ToString("N0")))} bytes correctly.";
    });

    /// <summary>pipes.duplex: <paramref name="ask"/> sends the question to a child through one pipe; the
    /// child answers with the question in upper case through a second pipe; the function returns the answer.</summary>
    public static CheckResult Duplex(Func<string, string> ask) => Exercise.Check("pipes.duplex", 3, () =>
    {
        for (int i = 0; i < 2; i++)
        {
            string question = $"is {Words[Random.Shared.Next(Words.Length)]} #{Random.Shared.Next(100, 10000)} a pipe?";
            long mark = EventTrace.Mark();
            string answer = ask(question);
            Expect.Equal(question.ToUpperInvariant(), answer, $"the answer to {Expect.Show(question)}",
                "The child reads the whole question (until end of file, once the notebook closed its write end), then writes question.ToUpperInvariant() to the second pipe.");
            bool childTalked = EventTrace.WaitUntil(mark, events =>
                events.Any(e => IsChild(e) && e.Kind == TraceKind.Read) && events.Any(e => IsChild(e) && e.Kind == TraceKind.Wrote), TraceDelay);
            Expect.True(childTalked, "The answer is right, but no child process read the question from a pipe and wrote the answer to one.",
                expected: "a child that reads from one pipe and writes to another", actual: "no child read and wrote through pipes",
                hint: "Start the child with Fork.Run, giving it the read end of the first pipe and the write end of the second.");
        }
        return "A child answered two questions through two pipes.";
    });

    /// <summary>pipes.eof: <paramref name="collect"/> starts one child per message, each writing its message
    /// and a newline into one shared pipe, and returns every line read until end of file.</summary>
    public static CheckResult Eof(Func<string[], IEnumerable<string>> collect) => Exercise.Check("pipes.eof", 3, () =>
    {
        int count = Random.Shared.Next(3, 6);
        var messages = Enumerable.Range(0, count)
            .Select(i => $"{Words[Random.Shared.Next(Words.Length)]}-{i}-{Random.Shared.Next(100, 1000)}").ToArray();
        long mark = EventTrace.Mark();
        List<string> lines;
        try
        {
            lines = collect(messages)?.ToList() ?? throw new CheckFailedException("Your function returned null.", hint: "Return the lines you read.");
        }
        catch (WaitTimeoutException e)
        {
            throw new CheckFailedException("Your read never saw end of file.", expected: "end of file once every child has exited", actual: e.Message,
                hint: "End of file comes when every write end is closed — including the notebook's own copy. Close it right after starting the children.");
        }
        Expect.SameItems(messages, lines, "the lines read from the pipe",
            "Read until end of file (ReadToEnd), then split at '\\n' and drop the empty piece after the last newline.");
        bool allWrote = EventTrace.WaitUntil(mark, events =>
            events.Where(e => IsChild(e) && e.Kind == TraceKind.Wrote).Select(e => e.Pid).Distinct().Count() >= count, TraceDelay);
        Expect.True(allWrote, $"The lines are right, but they were not written by {count} child processes.",
            expected: $"{count} children, each writing one line", actual: "fewer children wrote to a pipe",
            hint: "Start one child per message with Fork.Run, giving each the write end and its message.");
        return $"Read all {count} lines from {count} children, and saw end of file.";
    });

    private static bool IsChild(TraceEvent e) => e.Process != EventTrace.ProcessName;

}
