using System.Text;
using Ipc.Lab.Diagnostics;
using Ipc.Lab.Processes;
using Ipc.Lab.Semaphores;
using Ipc.Lab.SharedMemory;
using Ipc.Lab.Signals;
using Ipc.Lab.Sockets;

namespace Ipc.Lab.Exercises;

/// <summary>The check of notebook 07-comparison: the capstone, which takes three mechanisms at once. The check
/// is the producer and the operator; it chooses the loads, and compares only counts and sums — never pids or
/// timings.</summary>
public static class ComparisonChecks
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(10);

    /// <summary>cmp.capstone: <paramref name="start"/> starts a consumer child that takes longs from a ring of
    /// slots in shared memory guarded by two semaphores (0 "empty", 1 "full"), answers each 6-byte request
    /// "count?" on the control socket with the line "COUNT SUM", and on SIGTERM takes what is still in the ring,
    /// sends "final COUNT SUM" and exits with status 0. The first burst is longer than the ring, so a consumer
    /// that does not give slots back stalls the producer; SIGTERM follows the last burst at once, so it may find items
    /// still in the ring. (No SIGSTOP to make sure it does: the runtime's SIGCONT handler would end the consumer's
    /// poll with an error, which is not the student's to handle.)</summary>
    public static CheckResult Capstone(Func<AnonymousSharedMemory, SysVSemaphoreSet, Sockets.Socket, ChildProcess> start) => Exercise.Check("cmp.capstone", 4, () =>
    {
        int slots = Random.Shared.Next(4, 9);
        using var ring = AnonymousSharedMemory.Create(8L * slots);
        using var counts = SysVSemaphoreSet.Create([slots, 0], ["empty", "full"]);
        var (operatorEnd, consumerEnd) = Sockets.Socket.Pair();
        using var control = operatorEnd;
        ChildProcess child;
        using (consumerEnd)
            child = start(ring, counts, consumerEnd) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the ChildProcess that Fork.Run gave you.");
        using var _ = child;
        long produced = 0, total = 0;
        var bursts = new List<int> { Random.Shared.Next(slots + 1, 3 * slots + 1) };   // more than the ring holds
        for (int i = Random.Shared.Next(1, 4); i > 0; i--) bursts.Add(Random.Shared.Next(1, 3 * slots + 1));

        foreach (int burst in bursts)
        {
            foreach (long value in Load(burst))
            {
                Put(ring, counts, slots, produced++, value, child);
                total += value;
            }
            WaitForCount(control, child, produced, total);
        }

        // Every slot given back before the last burst: it then fits without waiting, and SIGTERM follows at once.
        WaitUntil(() => counts[0] == slots, child, "The consumer reported every item but did not give every slot back (UP on \"empty\").");
        int last = Random.Shared.Next(1, slots + 1);
        foreach (long value in Load(last))
        {
            Put(ring, counts, slots, produced++, value, child);
            total += value;
        }
        child.Kill(Signal.SIGTERM);
        string final = ReadLine(control, child, "the final report after SIGTERM",
            "Catch SIGTERM with Posix.SigAction (installed before you answer anything) and, when it came, take what is left in the ring, send \"final COUNT SUM\\n\" and return.");
        Expect.Equal($"final {produced} {total}", final, $"the final report after SIGTERM (the last {last} items were put in just before it)",
            "On SIGTERM, first take every item still in the ring (TryDown on \"full\" until it fails), then send the totals.");
        var status = child.Wait(Step);
        Expect.True(status is ExitStatus.Exited { Code: 0 }, $"The consumer did not exit with status 0 after its final report ({status}).",
            expected: "exited with status 0", actual: status.ToString(), hint: "After sending the final report, let the body return.");
        return $"A ring of {slots} slots, bursts of {string.Join(", ", bursts)} and {last} items: your consumer counted {produced} items summing to {total}, answered every \"count?\", and on SIGTERM reported all of them, the last burst of {last} included.";
    });

    // A burst of values: negatives, zeros and repeats included, so that no value marks a slot as new.
    private static long[] Load(int count) =>
        Enumerable.Range(0, count).Select(_ => Random.Shared.Next(4) == 0 ? 0L : Random.Shared.NextInt64(-1_000_000, 1_000_000_000)).ToArray();

    private static void Put(AnonymousSharedMemory ring, SysVSemaphoreSet counts, int slots, long index, long value, ChildProcess child)
    {
        try
        {
            counts.Down(0, Step);
        }
        catch (WaitTimeoutException)
        {
            throw new CheckFailedException($"The ring stayed full: the producer waited {Step.TotalSeconds:0} s for a free slot (item {index + 1}, ring of {slots}).",
                expected: "the consumer takes items and gives their slots back", actual: $"semaphores {counts.Describe()}; consumer {Describe(child)}",
                hint: "For each item: Down on \"full\" (1), read the slot, then Up on \"empty\" (0). Reading the memory without the semaphores frees nothing.");
        }
        ring.Counter(8 * (index % slots)).Value = value;
        counts.Up(1);
    }

    private static void WaitForCount(Sockets.Socket control, ChildProcess child, long produced, long total)
    {
        var deadline = DateTime.UtcNow + Step;
        string reply = "";
        while (DateTime.UtcNow < deadline)
        {
            control.Send("count?");
            reply = ReadLine(control, child, "the answer to \"count?\"", "Answer each 6-byte request \"count?\" with one line \"COUNT SUM\\n\".");
            var parts = reply.Split(' ');
            long n = 0;
            Expect.True(parts.Length == 2 && long.TryParse(parts[0], out n) && long.TryParse(parts[1], out _), $"The answer to \"count?\" was \"{reply}\".",
                expected: "two numbers: \"COUNT SUM\"", actual: reply, hint: "Send $\"{count} {sum}\\n\".");
            Expect.True(n <= produced, $"Your consumer counted {n} items, but only {produced} were put in the ring.", expected: $"at most {produced}", actual: reply,
                hint: "Count an item only after a Down on \"full\" succeeded: the memory of a slot may still hold an old value.");
            if (n == produced)
            {
                Expect.Equal($"{produced} {total}", reply, $"the answer to \"count?\" after {produced} items", "Add each value you take from its slot (slot = item number modulo the ring's slots) to the sum.");
                return;
            }
            Thread.Sleep(20);
        }
        throw new CheckFailedException($"The consumer never reported all {produced} items put in the ring.", expected: $"{produced} {total}", actual: reply,
            hint: "Keep taking items while you answer requests: TryDown on \"full\" until it fails, answer a request when control.BytesAvailable says one is there, and sleep a moment when neither had anything.");
    }

    private static void WaitUntil(Func<bool> condition, ChildProcess child, string problem)
    {
        var deadline = DateTime.UtcNow + Step;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new CheckFailedException(problem, actual: Describe(child), hint: "Up on \"empty\" (0) once you have read a slot.");
            Thread.Sleep(20);
        }
    }

    private static string ReadLine(Sockets.Socket control, ChildProcess child, string what, string hint)
    {
        var line = new List<byte>();
        while (true)
        {
            byte[] one;
            try
            {
                one = control.Recv(1, Step);
            }
            catch (WaitTimeoutException)
            {
                throw new CheckFailedException($"No {what} within {Step.TotalSeconds:0} s.", expected: "a line ending in \\n", actual: $"\"{Encoding.UTF8.GetString(line.ToArray())}\"; consumer {Describe(child)}", hint: hint);
            }
            if (one.Length == 0)
            {
                child.Wait(Step);   // the socket closed because the consumer ended: say how
                throw new CheckFailedException($"The control socket closed before {what}.", expected: "a line ending in \\n",
                    actual: $"end of stream; consumer {Describe(child)}", hint: hint);
            }
            if (one[0] == (byte)'\n') return Encoding.UTF8.GetString(line.ToArray());
            line.Add(one[0]);
        }
    }

    private static string Describe(ChildProcess child) =>
        child.Failure is { } f ? $"failed: {f.Message}" : child.Status is { } s ? s.ToString() : "running";
}
