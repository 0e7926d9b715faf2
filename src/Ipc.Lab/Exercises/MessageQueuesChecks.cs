using Ipc.Lab.Diagnostics;
using Ipc.Lab.MessageQueues;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 05-message-queues. Each fills a real queue with messages chosen at random and
/// compares what comes out — and what is left in the queue — with what a correct program gives on every run:
/// never ids, pids or timings. Client ids are numbers the check picks, not pids, so they are the same on every run.</summary>
public static class MessageQueuesChecks
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(20);
    private static readonly string[] Words = ["apple", "pear", "plum", "kiwi", "fig", "lime", "mango", "quince", "cherry", "grape"];

    private static string Word() => $"{Words[Random.Shared.Next(Words.Length)]}-{Random.Shared.Next(100, 10000)}";

    /// <summary>mq.urgent: <paramref name="mostUrgent"/> takes the <c>count</c> most urgent messages — lowest type
    /// first, oldest first within a type — out of a queue of types 1 to 3, and leaves the rest where they were.</summary>
    public static CheckResult Urgent(Func<SysVMessageQueue, int, List<string>> mostUrgent) => Exercise.Check("mq.urgent", 2, () =>
    {
        using var queue = SysVMessageQueue.Create();
        int count = Random.Shared.Next(3, 6);
        // Oldest first is never the answer: the first message is of type 3, and type 1 comes only after `count` others.
        var messages = new List<(long Type, string Text)> { (3, Word()) };
        while (messages.Count < count) messages.Add((Random.Shared.Next(2, 4), Word()));
        int more = Random.Shared.Next(6, 10);
        for (int i = 0; i < more; i++) messages.Add((i < 2 ? 1 : Random.Shared.Next(1, 4), Word()));
        foreach (var (type, text) in messages) queue.Send(type, text);

        var got = mostUrgent(queue, count) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the texts you received, in the order received.");
        var ranked = messages.Select((m, i) => (m.Type, m.Text, i)).OrderBy(m => m.Type).ThenBy(m => m.i).ToList();
        var want = ranked.Take(count).Select(m => m.Text).ToList();
        Expect.Equal(string.Join(", ", want), string.Join(", ", got), $"the {count} most urgent of {messages.Count} messages (types {string.Join(",", messages.Select(m => m.Type))})",
            "msgrcv with a negative type, -3, takes the oldest message of the lowest type up to 3: call it count times. Type 0 takes the oldest of any type.");

        var left = new List<string>();
        while (queue.Stat().QNum > 0) left.Add(queue.Receive(0, noWait: true).Text);
        var wantLeft = messages.Select(m => m.Text).Except(want).ToList();
        Expect.Equal(string.Join(", ", wantLeft), string.Join(", ", left), "what is left in the queue, oldest first",
            "Take only the most urgent messages out; the others stay in the queue, in the order they were sent.");
        return $"Took the {count} most urgent of {messages.Count} messages, and left the other {wantLeft.Count} in order.";
    });

    /// <summary>mq.receiver: <paramref name="receiveUntilEnd"/> is the lecture's receiver, fixed: it receives the
    /// type-5 lines a child sends (up to msgmax long) until "end", returns them whole, and removes the queue.</summary>
    public static CheckResult Receiver(Func<int, List<string>> receiveUntilEnd) => Exercise.Check("mq.receiver", 3, () =>
    {
        using var queue = SysVMessageQueue.Create();
        // Short lines and long ones: 128 bytes (the lecture's buffer) is not enough; msgmax (8,192) always is.
        var lines = new List<string> { Word(), new string('a', Random.Shared.Next(129, 1000)) + Word(), Word(), Word() + new string('z', 8192 - 20), Word() };
        lines = lines.OrderBy(_ => Random.Shared.Next()).ToList();
        using var sender = Fork.Run(queue, lines.ToArray(), (q, ls) =>
        {
            q.Send(7, "not for the receiver: type 7");          // someone else's message, first in the queue
            foreach (var l in ls) q.Send(5, l, timeout: TimeSpan.FromSeconds(20));
            q.Send(5, "end", timeout: TimeSpan.FromSeconds(20));
        }, name: "sender");
        // The sender has opened the queue once its first message is there: from then on removing the queue (by
        // the function, or by the check after a failure) ends a blocked sender with EIDRM, not a failed start.
        var start = System.Diagnostics.Stopwatch.StartNew();
        while (queue.Stat().QNum == 0 && start.Elapsed < Long && sender.Status is null) Thread.Sleep(5);
        List<string>? got;
        bool left;
        try
        {
            got = receiveUntilEnd(queue.Id);
            left = SysVIpcTable.MessageQueues().Any(r => r.Id == queue.Id && r.Key == queue.Key);
        }
        finally
        {
            // The function may have failed before "end": stop the sender before its queue goes, so that it does
            // not report the removal as an error of its own under the check.
            if (sender.Status is null) sender.Kill();
            sender.Wait(Long);
            queue.Dispose();
        }
        Expect.True(got is not null, "Your function returned null.", hint: "Return the texts you received, without \"end\".");
        Expect.Equal(lines.Count, got!.Count, "the number of lines received before \"end\"",
            "Receive type 5 only (the type-7 message is someone else's), until a text that starts with \"end\"; do not return \"end\" itself.");
        for (int i = 0; i < lines.Count; i++)
            Expect.Equal(lines[i], got[i], $"line {i + 1} ({lines[i].Length:N0} bytes sent, {Utf8(got[i]):N0} received)",
                "A buffer smaller than the message gives E2BIG; MSG_NOERROR silences that by cutting the message — and the rest is lost. Size the buffer for the largest message: msgmax, 8,192 bytes.");
        Expect.True(!left, "The lines are right, but your function left the queue behind, as the lecture's receiver does when it fails (ipcs -q lists it).",
            expected: $"queue {queue.Id} removed (msgctl IPC_RMID) by your function", actual: "still there when your function returned",
            hint: "Open the queue with SysVMessageQueue.Open(id) and call Remove() when done — in a finally block, so that it happens on every path.");
        return $"Received {lines.Count} lines of up to {lines.Max(l => l.Length):N0} bytes whole, and removed the queue.";
    });

    private static int Utf8(string s) => System.Text.Encoding.UTF8.GetByteCount(s);

    /// <summary>mq.route: <paramref name="serve"/> answers <c>requests</c> requests of type 1 ("CLIENT:question")
    /// with a message of type CLIENT holding the question in capitals, and leaves other messages in the queue.</summary>
    public static CheckResult Route(Action<SysVMessageQueue, int> serve) => Exercise.Check("mq.route", 3, () =>
    {
        using var queue = SysVMessageQueue.Create();
        var ids = new HashSet<long>();
        while (ids.Count < 4) ids.Add(Random.Shared.Next(1000, 30000));
        var all = ids.ToArray();
        long absent = all[0];
        var clients = all[1..];
        // A reply for a client that has not come for it yet, in the queue before any request.
        string waiting = $"an answer still waiting for client {absent}";
        queue.Send(absent, waiting);
        var questions = clients.ToDictionary(c => c, _ => Word());
        var children = clients.Select(c => Fork.Run(queue, c, questions[c], (q, me, question) =>
        {
            q.Send(1, $"{me}:{question}");
            Console.WriteLine($"got: {q.Receive(me, timeout: TimeSpan.FromSeconds(10)).Text}");
        }, name: $"client {c}")).ToList();
        try
        {
            serve(queue, clients.Length);
            for (int i = 0; i < clients.Length; i++)
            {
                var status = children[i].Wait(Long);
                Expect.True(status.Success, $"Client {clients[i]} got no answer of type {clients[i]}.",
                    expected: $"a reply of type {clients[i]}: {Expect.Show(questions[clients[i]].ToUpperInvariant())}", actual: children[i].Failure?.Message ?? status.ToString(),
                    hint: "Reply to each request with the client's number (before the ':') as the type.");
                Expect.Equal($"got: {questions[clients[i]].ToUpperInvariant()}", children[i].StandardOutput.Trim(), $"what client {clients[i]} got",
                    "The reply's text is the question (after the ':') in capitals.");
            }
        }
        finally
        {
            foreach (var child in children) child.Dispose();
        }
        var left = queue.Stat().QNum;
        string still = left > 0 ? queue.Receive(absent, noWait: true, noError: true).Text : "(nothing)";
        Expect.True(left == 1 && still == waiting, "The clients got their answers, but the reply waiting for another client is gone from the queue.",
            expected: $"1 message left, of type {absent}: {Expect.Show(waiting)}", actual: $"{left} message(s) left; of type {absent}: {Expect.Show(still)}",
            hint: "Receive requests by their type (1), not the next message of any type (0): requests and replies share the queue.");
        return $"Answered {clients.Length} clients by their numbers and left client {absent}'s reply waiting.";
    });
}
