using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Processes;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 03-signals. Each sends real signals to real children with inputs chosen at
/// random, waits for states the kernel reports (never for a while), and compares what arrived — never pids,
/// thread ids or timings.</summary>
public static class SignalsChecks
{
    // How long a child's trace events may take to arrive over its control channel.
    private static readonly TimeSpan TraceDelay = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);
    private static readonly string[] Words = ["goodbye", "farewell", "ciao", "adieu", "so-long", "cheerio", "tschuess", "au-revoir"];

    /// <summary>signals.graceful: <paramref name="start"/> starts a child that prints "ready" once it catches
    /// SIGTERM, and on SIGTERM prints the farewell and exits with status 0.</summary>
    public static CheckResult Graceful(Func<string, ChildProcess> start) => Exercise.Check("signals.graceful", 2, () =>
    {
        string farewell = $"{Words[Random.Shared.Next(Words.Length)]}-{Random.Shared.Next(100, 1000)}";
        long mark = EventTrace.Mark();
        using var child = start(farewell) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the ChildProcess that Fork.Run gave you.");
        try
        {
            child.WaitForOutput("ready", Long);
        }
        catch (Exception e) when (e is WaitTimeoutException or InvalidOperationException)
        {
            throw new CheckFailedException("The child never printed \"ready\".", expected: "a line \"ready\" once the handler is installed", actual: e.Message,
                hint: "Install the handler first (SigAction(Signal.SIGTERM, ...)), then Console.WriteLine(\"ready\"), then sleep.");
        }
        const string sleepHint = "After \"ready\" the child sleeps (Thread.Sleep(60_000)) until SIGTERM comes; only the handler prints the farewell and exits.";
        if (child.Output.Any(l => !l.IsError && l.Text == farewell))
            throw new CheckFailedException($"The child printed the farewell \"{farewell}\" before any SIGTERM was sent.", expected: "the farewell only in the SIGTERM handler",
                actual: Expect.Show(child.Output.Where(l => !l.IsError).Select(l => l.Text).ToList()), hint: sleepHint);
        if (child.Status is { } early)
            throw new CheckFailedException("The child ended before SIGTERM was sent.", expected: "a child still running after \"ready\"", actual: early.ToString(), hint: sleepHint);
        try
        {
            child.Kill(Signal.SIGTERM);
        }
        catch (SyscallException e)
        {
            throw new CheckFailedException("The child ended before SIGTERM was sent.", expected: "a child still running after \"ready\"", actual: e.Message, hint: sleepHint);
        }
        var status = child.Wait(Long);
        Expect.True(status is ExitStatus.Exited, $"SIGTERM killed the child ({status}): it did not catch it.", expected: "exited with status 0", actual: status.ToString(),
            hint: "Keep what SigAction returned alive while the child sleeps (a using declaration in the body), and exit from the handler with Environment.Exit(0).");
        Expect.Equal(0, ((ExitStatus.Exited)status).Code, "the child's exit status", "Call Environment.Exit(0) in the handler, after printing.");
        var lines = child.Output.Where(l => !l.IsError).Select(l => l.Text).ToList();
        Expect.True(lines.Contains(farewell), $"The child did not print the farewell \"{farewell}\" on SIGTERM.",
            expected: $"a line \"{farewell}\"", actual: Expect.Show(lines), hint: "Print the string your function was given, in the handler.");
        Expect.True(lines.IndexOf(farewell) > lines.IndexOf("ready"), $"The child printed the farewell before \"ready\": it did not wait for SIGTERM.",
            expected: $"\"ready\", then \"{farewell}\"", actual: Expect.Show(lines), hint: "Print the farewell in the handler, not in the body.");
        bool caught = EventTrace.WaitUntil(mark, events => events.Any(e => e.Process != EventTrace.ProcessName && e.Kind == TraceKind.Signal && e.Detail.StartsWith("caught SIGTERM", StringComparison.Ordinal)), TraceDelay);
        Expect.True(caught, "The child exited with status 0 and said the farewell, but no handler of it caught SIGTERM.", expected: "a handler installed with SigAction(Signal.SIGTERM, ...) that ran",
            actual: "no SIGTERM caught by a child", hint: "Catch SIGTERM with SigAction(Signal.SIGTERM, _ => { ... }) and keep what it returns alive.");
        return $"The child caught SIGTERM, said \"{farewell}\" and exited with status 0.";
    });

    /// <summary>signals.inspect: <paramref name="inspect"/> stops the child, returns its state letter read from
    /// /proc while stopped, and continues it.</summary>
    public static CheckResult Inspect(Func<ChildProcess, char> inspect) => Exercise.Check("signals.inspect", 3, () =>
    {
        using var child = Fork.Run(() =>
        {
            Console.WriteLine("ready");
            for (int i = 0; i < 600; i++) Thread.Sleep(100);
        }, name: "debuggee");
        child.WaitForOutput("ready", Long);
        long mark = EventTrace.Mark();
        char letter = inspect(child);
        Expect.Equal('T', letter, "the state letter your function read while the child was stopped",
            "Send SIGSTOP, then child.WaitUntilStopped() — the stop takes effect a moment after kill returns — then read ProcessState.Letter(child.Pid).");
        var sent = EventTrace.Since(mark).Where(e => e.Kind == TraceKind.Signal && e.Process == EventTrace.ProcessName).Select(e => e.Detail).ToList();
        Expect.True(sent.Any(d => d.Contains("SIGSTOP")), "No SIGSTOP was sent to the child.", expected: "a SIGSTOP", actual: Expect.Show(sent),
            hint: "Stop it with Kill(child.Pid, Signal.SIGSTOP) (or child.Kill(Signal.SIGSTOP)).");
        var events = EventTrace.Since(mark).Where(e => e.Process == EventTrace.ProcessName).ToList();
        int stop = events.FindIndex(e => e.Kind == TraceKind.Signal && e.Detail.Contains("SIGSTOP"));
        int seen = events.FindIndex(Math.Max(stop, 0), e => e.Kind == TraceKind.Note && e.Detail.StartsWith("saw '", StringComparison.Ordinal) && e.Detail.EndsWith("stopped", StringComparison.Ordinal));
        int cont = seen < 0 ? -1 : events.FindIndex(seen, e => e.Kind == TraceKind.Signal && e.Detail.Contains("SIGCONT"));
        Expect.True(seen >= 0 && cont >= 0, "Your function did not wait until the kernel had stopped the child before it continued it: the 'T' you returned was not seen.",
            expected: "SIGSTOP, child.WaitUntilStopped(), then SIGCONT", actual: Expect.Show(events.Where(e => e.Kind is TraceKind.Signal or TraceKind.Note).Select(e => e.Detail).ToList()),
            hint: "kill returns before the child has stopped. Wait with child.WaitUntilStopped(), read ProcessState.Letter(child.Pid), and only then send SIGCONT.");
        try
        {
            child.WaitUntilContinued(TimeSpan.FromSeconds(5));
        }
        catch (WaitTimeoutException e)
        {
            throw new CheckFailedException("After your function returned, the child was still stopped.", expected: "the child running again", actual: e.Message,
                hint: "A debugger continues what it stopped: send SIGCONT before returning.");
        }
        Expect.True(child.Status is null, $"The child is gone ({child.Status}): inspecting must not kill it.", hint: "Send SIGSTOP and SIGCONT, nothing that terminates.");
        return "Stopped the child, saw 'T' in /proc, and continued it.";
    });

    /// <summary>signals.predict: <paramref name="predict"/> says, without running anything, how a native process
    /// with every signal at its default (sleep 60) ends up after a sequence of signals: "running", "stopped" or
    /// "killed by SIGxxx". Each SIGSTOP has taken effect before the next signal is sent. The sequences are drawn
    /// at random from shapes that each test one rule (a Term signal kills; Ign changes nothing; a stopped process
    /// keeps a Term signal pending until SIGCONT, and then dies of the lowest-numbered one; SIGKILL ends even a
    /// stopped process); every prediction is made before any sequence runs, and then each runs on a fresh process
    /// and the kernel's answer is read back.</summary>
    public static CheckResult Predict(Func<Signal[], string> predict) => Exercise.Check("signals.predict", 3, () =>
    {
        var sequences = PredictionSequences();
        long mark = EventTrace.Mark();
        var predicted = new List<string>();
        foreach (var sequence in sequences)
            predicted.Add((predict([.. sequence]) ?? "").Trim());
        // A prediction is made in the head: a function that starts a process or sends a signal measures instead.
        var measured = EventTrace.Since(mark).Where(e => e.Process == EventTrace.ProcessName && e.Kind is TraceKind.Spawned or TraceKind.Signal).Select(e => e.Detail).ToList();
        Expect.True(measured.Count == 0, "Your function ran the experiment instead of predicting it: it started a process or sent a signal.",
            expected: "a function that works the outcome out from the signals' default actions", actual: Expect.Show(measured.Take(5).ToList()),
            hint: "Walk through the sequence with the table of default actions (Table.Signals()): keep whether the process is stopped, and which Term signals wait for a SIGCONT.");
        var wrong = new List<string>();
        for (int i = 0; i < sequences.Count; i++)
        {
            string kernel = Observe(sequences[i]);
            if (!string.Equals(predicted[i], kernel, StringComparison.OrdinalIgnoreCase))
                wrong.Add($"[{string.Join(", ", sequences[i])}]: you said \"{predicted[i]}\", the kernel: {kernel}");
        }
        foreach (var p in predicted)
            Expect.True(p == "running" || p == "stopped" || (p.StartsWith("killed by SIG", StringComparison.OrdinalIgnoreCase) && !p.Contains('(')),
                $"\"{p}\" is not one of the three answers.", expected: "\"running\", \"stopped\" or \"killed by SIGTERM\" (the signal's name, as Signal.SIGTERM.ToString() writes it)", actual: p,
                hint: "Return exactly one of the three forms.");
        Expect.True(wrong.Count == 0, $"{wrong.Count} of {sequences.Count} predictions differ from what the kernel did.", expected: "every outcome as the kernel produced it",
            actual: string.Join("\n", wrong),
            hint: "Look at the sequences you got wrong, and find the rule: what does a stopped process do with a signal whose action is Term? In what order are pending signals taken?");
        return $"All {sequences.Count} predictions match what the kernel did.";
    });

    private static readonly Signal[] TermSignals = [Signal.SIGHUP, Signal.SIGINT, Signal.SIGUSR1, Signal.SIGUSR2, Signal.SIGPIPE, Signal.SIGALRM, Signal.SIGTERM];
    private static readonly Signal[] IgnoredSignals = [Signal.SIGCHLD, Signal.SIGURG, Signal.SIGWINCH];

    /// <summary>One sequence of each shape, its signals drawn at random, in a random order. No Core signal: a
    /// core dump would be a file left behind, and "killed" is what this exercise is about.</summary>
    private static List<Signal[]> PredictionSequences()
    {
        Signal Term() => TermSignals[Random.Shared.Next(TermSignals.Length)];
        Signal Ign() => IgnoredSignals[Random.Shared.Next(IgnoredSignals.Length)];
        var a = Term();
        var b = TermSignals.Where(s => s != a).ElementAt(Random.Shared.Next(TermSignals.Length - 1));
        var shapes = new List<Signal[]>
        {
            new[] { Ign(), Term() },                                        // Term kills a running process
            new[] { Ign(), Ign() },                                         // Ign changes nothing
            new[] { Signal.SIGSTOP, Ign() },                                // stopped, and an ignored signal does not wake it
            new[] { Signal.SIGSTOP, Term() },                               // a stopped process keeps Term pending
            new[] { Signal.SIGSTOP, a, b, Signal.SIGCONT },                 // ... and dies of the lowest number on SIGCONT
            new[] { Signal.SIGSTOP, Signal.SIGCONT, Ign() },                // continued
            new[] { Signal.SIGSTOP, Term(), Signal.SIGKILL },               // SIGKILL does not wait for SIGCONT
            new[] { Term(), Signal.SIGSTOP },                               // the first Term already ended it
        };
        return [.. shapes.OrderBy(_ => Random.Shared.Next())];
    }

    /// <summary>Sends <paramref name="sequence"/> to a fresh sleep 60 and reads what the kernel made of it. Settled
    /// means: ended; or stopped (nothing left to continue it); or nothing pending and not stopped, which a last
    /// signal that no sequence uses then confirms: a process already dying of an earlier signal ignores it, so
    /// its exit status names that earlier signal, and a live one dies of it.</summary>
    private static string Observe(Signal[] sequence)
    {
        const Signal Probe = Signal.SIGRTMIN + 5;
        using var sleeper = Command.Start("sleep", "60");
        sleeper.WaitForState("S", Long);
        foreach (var signal in sequence)
        {
            try { sleeper.Kill(signal); }
            catch (SyscallException) { break; }   // already reaped: an earlier signal killed it
            // A stop takes effect when the process next runs, not when kill returns: a Term signal sent before
            // that would find it still running. Each SIGSTOP is given time to take effect, so that the sequence
            // means one thing; a process that is dying instead ends, and that ends the sequence.
            if (signal == Signal.SIGSTOP)
                try { sleeper.WaitUntilStopped(Long); }
                catch (InvalidOperationException) { break; }
        }
        long deadline = Environment.TickCount64 + 10_000;
        while (Environment.TickCount64 < deadline)
        {
            if (sleeper.Status is { } ended) return Outcome(ended);
            // The kernel's signal bits first, then the state: a stop that was taken off the pending set has set
            // the state already (both happen under the process's signal lock, which reading the bits takes too).
            var bits = SignalStatus.Of(sleeper.Pid);
            char? letter = ProcessState.Letter(sleeper.Pid);
            if (letter == 'T') return "stopped";
            if (bits is { PendingForThread.Count: 0, PendingForProcess.Count: 0 } && letter is not ('Z' or null))
            {
                try { sleeper.Kill(Probe); }
                catch (SyscallException) { }
                var status = sleeper.Wait(Long);
                return status is ExitStatus.Signaled { Signal: Probe } ? "running" : Outcome(status);
            }
            Thread.Sleep(5);
        }
        throw new CheckFailedException($"The process that got [{string.Join(", ", sequence)}] did not settle within 10 s: {ProcessState.Describe(sleeper.Pid) ?? "gone"}.",
            hint: "The machine may be very busy: run the check again.");
    }

    private static string Outcome(ExitStatus status) => status is ExitStatus.Signaled s ? $"killed by {s.Signal}" : status.ToString();

    /// <summary>signals.values: <paramref name="collect"/> sends every value to a child with a real-time signal
    /// and returns the values the child received, in the order it received them.</summary>
    public static CheckResult Values(Func<int[], int[]> collect) => Exercise.Check("signals.values", 3, () =>
    {
        var values = Enumerable.Range(0, Random.Shared.Next(4, 9)).Select(_ => Random.Shared.Next(1, 100_000)).ToArray();
        long mark = EventTrace.Mark();
        var received = collect(values) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the values the child received.");
        Expect.Equal(Expect.Show(values), Expect.Show(received), "the values the child received, in order",
            "Standard signals are not queued: several SIGUSR1 pending at once become one. Use a real-time signal (Signal.SIGRTMIN + 1 or above) and RtTgSigQueueInfo, one call per value.");
        bool childTook = EventTrace.WaitUntil(mark, events =>
            events.Count(e => e.Process != EventTrace.ProcessName && e.Kind == TraceKind.Signal && e.Detail.StartsWith("took", StringComparison.Ordinal)) >= values.Length, TraceDelay);
        Expect.True(childTook, "The values are right, but no child took them as signals.", expected: $"a child that took {values.Length} signals from its inbox",
            actual: "fewer signals taken by a child", hint: "In the child block the signal (SigProcMask(SIG_BLOCK, ...)) and take it with SigTimedWait; send to its thread (GetTid() there) with RtTgSigQueueInfo(pid, tid, signal, value).");
        return $"A child received all {values.Length} values, in the order sent.";
    });

}
