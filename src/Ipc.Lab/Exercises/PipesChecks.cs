using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using System.Text;
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
    /// EAGAIN and returns how many bytes it wrote. A pipe holds a number of pages (capacity / 4096), and a small
    /// write joins the last page only while it fits: with 1000-byte writes a 65,536-byte pipe is full at 64,000.
    /// So the check accepts any write size: the pipe must be full (a write of one page fails with EAGAIN) and
    /// the function must return what the pipe holds.</summary>
    public static CheckResult Capacity(Func<Pipe, int> measure) => Exercise.Check("pipes.capacity", 2, () =>
    {
        var measured = new List<string>();
        foreach (int asked in Capacities.OrderBy(_ => Random.Shared.Next()).Take(3))
        {
            using var pipe = Pipe.Create(capacity: asked);
            int capacity = pipe.Capacity;
            int returned = measure(pipe);
            int held = pipe.BytesInPipe;
            Expect.True(!pipe.WriteEnd.IsClosed && IsFull(pipe),
                $"After your function ran, a pipe of capacity {capacity:N0} bytes ({capacity / Page} pages) held {held:N0} bytes and still had a free page: it was not filled.",
                expected: "a pipe in which a write of one more page would block", actual: $"{held:N0} bytes in the pipe, and room for a page",
                hint: "Measure by writing: set NonBlocking = true on the write end, then write until a write fails with EAGAIN.");
            Expect.Equal(held, returned, $"the number your function returned for a pipe that held {held:N0} bytes",
                "Return the total number of bytes written before EAGAIN (each Write returns how many bytes it took), not pipe.Capacity: with writes that do not divide a page, the pipe is full before 'capacity' bytes.");
            measured.Add(held == capacity ? $"{held:N0}" : $"{held:N0} (of {capacity:N0})");
        }
        return $"Filled and measured pipes of {string.Join(", ", measured)} bytes.";
    });

    private const int Page = 4096;

    /// <summary>Every page of the pipe is in use: a non-blocking write of one whole page cannot start.</summary>
    private static bool IsFull(Pipe pipe)
    {
        pipe.WriteEnd.NonBlocking = true;
        try
        {
            pipe.WriteEnd.Write(new byte[Page]);
            return false;
        }
        catch (SyscallException e) when (e.ErrnoName == "EAGAIN")
        {
            return true;
        }
    }

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

    /// <summary>pipes.eof: <paramref name="collect"/> starts one child per message, each writing its line
    /// (message and newline) into one shared pipe in a single write, and returns every line read until end of
    /// file. A write of at most PIPE_BUF bytes is atomic; a line written in two calls can be split by another
    /// child's line. That happens only sometimes, so the check does not wait for it: it counts each child's
    /// writes in the trace.</summary>
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
        long lineBytes = messages.Sum(m => Encoding.UTF8.GetByteCount(m) + 1L);
        bool allWrote = EventTrace.WaitUntil(mark, events => ChildWrites(events).Sum(e => e.Bytes) >= lineBytes
            && ChildWrites(events).Select(e => e.Pid).Distinct().Count() >= count, TraceDelay);
        Expect.True(allWrote, $"The lines are right, but they were not written by {count} child processes.",
            expected: $"{count} children, each writing one line", actual: "fewer children wrote to a pipe",
            hint: "Start one child per message with Fork.Run, giving each the write end and its message.");
        var writesPerChild = ChildWrites(EventTrace.Since(mark)).GroupBy(e => e.Pid).Select(g => g.Count()).ToList();
        int split = writesPerChild.Count(n => n > 1);
        Expect.True(split == 0, $"{split} of {count} children wrote their line in more than one write. Another child's line can then land between the pieces — not on every run, which is what makes it a bug.",
            expected: "each line, newline included, in one write", actual: $"writes per child: {string.Join(", ", writesPerChild)}",
            hint: "Write text + \"\\n\" in one call: a write of at most PIPE_BUF (4,096) bytes is atomic, so lines from several writers never mix.");
        return $"Read all {count} lines from {count} children, one atomic write each, and saw end of file.";
    });

    private static IEnumerable<TraceEvent> ChildWrites(IEnumerable<TraceEvent> events) =>
        events.Where(e => IsChild(e) && e.Kind == TraceKind.Wrote && e.Bytes > 0);

    private static bool IsChild(TraceEvent e) => e.Process != EventTrace.ProcessName;

}
