using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using System.Text;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;

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

    /// <summary>pipes.duplex: <paramref name="start"/> creates two pipes, starts a child that reads everything
    /// from the first and writes it back upper-cased into the second, closes the child's ends in the notebook,
    /// and returns both pipes. The check then holds the conversation itself — it writes the question, closes
    /// the write end, reads the answer until end of file — so the notebook never sees the text between the two
    /// pipes and cannot do the child's work for it (a child that only echoes is caught).</summary>
    public static CheckResult Duplex(Func<(Pipe ToChild, Pipe FromChild)> start) => Exercise.Check("pipes.duplex", 3, () =>
    {
        for (int i = 0; i < 2; i++)
        {
            string question = $"is {Words[Random.Shared.Next(Words.Length)]} #{Random.Shared.Next(100, 10000)} a pipe?";
            long mark = EventTrace.Mark();
            (Pipe toChild, Pipe fromChild) pipes;
            try
            {
                pipes = start();
            }
            catch (WaitTimeoutException e)
            {
                throw new CheckFailedException("Your function waited for something that cannot happen yet.", expected: "return right after starting the child",
                    actual: e.Message, hint: "Do not wait for the child in StartUpperCaser: it is waiting for the question, which the check writes after your function returns.");
            }
            var (toChild, fromChild) = pipes;
            using (toChild)
            using (fromChild)
            {
                string answer = Converse(toChild, fromChild, question);
                Expect.True(answer != question || question == question.ToUpperInvariant(),
                    "The answer is the question itself: the child echoed it. The check reads straight from your second pipe, so the upper-casing must happen in the child.",
                    expected: Expect.Show(question.ToUpperInvariant()), actual: Expect.Show(answer),
                    hint: "In the child: output.Write(input.ReadToEnd().ToUpperInvariant()).");
                Expect.Equal(question.ToUpperInvariant(), answer, $"the answer to {Expect.Show(question)}",
                    "The child reads the whole question (until end of file), then writes question.ToUpperInvariant() to the second pipe.");
            }
            bool childTalked = EventTrace.WaitUntil(mark, events =>
                events.Any(e => IsChild(e) && e.Kind == TraceKind.Read) && events.Any(e => IsChild(e) && e.Kind == TraceKind.Wrote), TraceDelay);
            Expect.True(childTalked, "The answer is right, but no child process read the question from a pipe and wrote the answer to one.",
                expected: "a child that reads from one pipe and writes to another", actual: "no child read and wrote through pipes",
                hint: "Start the child with Fork.Run, giving it the read end of the first pipe and the write end of the second.");
        }
        return "A child answered two questions through two pipes, and the notebook held only its own two ends.";
    });

    /// <summary>The notebook's side of pipes.duplex, done by the check: the child's ends must be closed here
    /// (else the answer never ends, or the question pipe has a second reader), the question goes in whole,
    /// and the answer is read until end of file.</summary>
    private static string Converse(Pipe toChild, Pipe fromChild, string question)
    {
        if (toChild is null || fromChild is null)
            throw new CheckFailedException("Your function returned a null pipe.", hint: "Return (toChild, fromChild): the two pipes you created.");
        Expect.True(!ReferenceEquals(toChild, fromChild), "You returned the same pipe twice. A pipe carries bytes one way only: a question and its answer need two.",
            expected: "two pipes", actual: "one", hint: "Create a second pipe for the answer.");
        Expect.True(!toChild.WriteEnd.IsClosed && !fromChild.ReadEnd.IsClosed, "The notebook's own ends are closed: the check cannot write the question or read the answer.",
            expected: "toChild.WriteEnd and fromChild.ReadEnd open", actual: $"{toChild.WriteEnd}, {fromChild.ReadEnd}",
            hint: "Close only the child's ends in the notebook, and do not dispose the pipes (no 'using'): the check disposes them.");
        Expect.True(fromChild.WriteEnd.IsClosed, "The notebook still holds the write end of the answer pipe, so the answer would never reach end of file: the kernel sees a writer that may still write.",
            expected: "fromChild.WriteEnd closed in the notebook", actual: fromChild.WriteEnd.ToString(),
            hint: "Right after Fork.Run, close the child's ends in the notebook: fromChild.WriteEnd.Close() and toChild.ReadEnd.Close().");
        Expect.True(toChild.ReadEnd.IsClosed, "The notebook still holds the read end of the question pipe: a second reader, which could take the question before the child does.",
            expected: "toChild.ReadEnd closed in the notebook", actual: toChild.ReadEnd.ToString(),
            hint: "Right after Fork.Run, close the child's ends in the notebook: toChild.ReadEnd.Close() and fromChild.WriteEnd.Close().");
        try
        {
            toChild.WriteEnd.Write(question);
            toChild.WriteEnd.Close();
            return fromChild.ReadEnd.ReadToEnd();
        }
        catch (WaitTimeoutException e)
        {
            throw new CheckFailedException("The check wrote the question and closed its end, but the answer never reached end of file.",
                expected: "the child's answer, then end of file", actual: e.Message,
                hint: "The child must read until end of file (ReadToEnd), write the answer, and exit (closing its write end).");
        }
        catch (SyscallException e) when (e.ErrnoName == "EPIPE")
        {
            throw new CheckFailedException("The check could not write the question: no process had the question pipe open for reading.",
                expected: "a child holding toChild.ReadEnd", actual: e.Message, hint: "Give the child toChild.ReadEnd in Fork.Run.");
        }
    }

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

    /// <summary>pipes.hang: <paramref name="startSummer"/> starts a child that reads numbers, one per line, from
    /// <c>numbers</c> until end of file and writes their sum into <c>sum</c>, and returns that child. The check
    /// writes the numbers after the function has returned (so only the child can add them), in two halves, the
    /// second only once the child has taken the first out of the pipe: a child that stops at its first read,
    /// instead of reading to end of file, sums half and fails on every run, not only when the timing is unlucky.</summary>
    public static CheckResult Hang(Func<Pipe, Pipe, ChildProcess> startSummer) => Exercise.Check("pipes.hang", 3, () =>
    {
        var numbers = Enumerable.Range(0, Random.Shared.Next(20, 40)).Select(_ => (long)Random.Shared.Next(1, 1_000_000)).ToArray();
        int half = numbers.Length / 2;
        using var input = Pipe.Create();
        using var output = Pipe.Create();
        var summer = startSummer(input, output)
            ?? throw new CheckFailedException("Your function returned null.", hint: "Return the child that Fork.Run started.");
        Expect.True(!input.WriteEnd.IsClosed && !output.ReadEnd.IsClosed, "The notebook's own ends are closed: the check cannot write the numbers or read the sum.",
            expected: "numbers.WriteEnd and sum.ReadEnd open in the notebook", actual: $"{input.WriteEnd}, {output.ReadEnd}",
            hint: "In the notebook, close only the ends the child uses: numbers.ReadEnd and sum.WriteEnd.");
        // The notebook's copies of the child's ends are the other bug of this kind, shown earlier in the notebook;
        // the check closes them itself, so that what it finds is the child's own copy.
        if (!input.ReadEnd.IsClosed) input.ReadEnd.Close();
        if (!output.WriteEnd.IsClosed) output.WriteEnd.Close();
        string answer;
        try
        {
            input.WriteEnd.Write(Lines(numbers[..half]));
            WaitUntilEmpty(input, TimeSpan.FromSeconds(30));
            input.WriteEnd.Write(Lines(numbers[half..]));
            input.WriteEnd.Close();
            answer = output.ReadEnd.ReadToEnd(TimeSpan.FromSeconds(30)).Trim();
        }
        catch (SyscallException e) when (e.ErrnoName == "EPIPE")
        {
            throw new CheckFailedException("Your child stopped reading before the numbers ended: when the check wrote the second half, nobody had the pipe open for reading any more.",
                expected: "a child that reads until end of file", actual: e.Message,
                hint: "Keep ReadToEnd: it is right. What makes it wait forever is a write end that is still open somewhere.");
        }
        var status = summer.Wait(TimeSpan.FromSeconds(30));
        Expect.True(answer.Length > 0, "Your child wrote no sum.", expected: numbers.Sum().ToString(),
            actual: summer.Failure is { } failure ? $"the child {status}: {failure.Message}" : $"nothing; the child {status}",
            hint: "Read the child's error: which process still holds a write end of the numbers pipe? A child given the whole Pipe holds both ends.");
        Expect.Equal(numbers.Sum().ToString(), answer, $"the sum of {numbers.Length} numbers, written in two halves",
            numbers[..half].Sum().ToString() == answer
                ? "That is the sum of the first half only: your child stopped at its first read. Read until end of file."
                : "The child reads every line until end of file, adds them up, and writes the sum.");
        Expect.True(status.Success, $"The sum is right, but the child {status}.", hint: "Let the child end normally after writing the sum.");
        return $"A child summed {numbers.Length} numbers until end of file, and ended.";
    });

    private static string Lines(IEnumerable<long> numbers) => string.Concat(numbers.Select(n => n + "\n"));

    private static void WaitUntilEmpty(Pipe pipe, TimeSpan timeout)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (pipe.BytesInPipe > 0)
        {
            if (Environment.TickCount64 > deadline)
                throw new CheckFailedException($"Your child never read the first numbers: after {timeout.TotalSeconds:0} s they were still in the pipe.",
                    expected: "a child that reads from numbers.ReadEnd", actual: $"{pipe.BytesInPipe} bytes unread",
                    hint: "Give the child the read end of the numbers pipe, and read from it.");
            Thread.Sleep(10);
        }
    }

    private static IEnumerable<TraceEvent> ChildWrites(IEnumerable<TraceEvent> events) =>
        events.Where(e => IsChild(e) && e.Kind == TraceKind.Wrote && e.Bytes > 0);

    private static bool IsChild(TraceEvent e) => e.Process != EventTrace.ProcessName;

}
