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
