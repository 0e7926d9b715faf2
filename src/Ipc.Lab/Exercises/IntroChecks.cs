using Ipc.Lab.Diagnostics;
using Ipc.Lab.Native;
using Ipc.Lab.Pipes;
using Ipc.Lab.Processes;
using Ipc.Lab.Signals;

namespace Ipc.Lab.Exercises;

/// <summary>The checks of notebook 00-introduction. Each builds real processes with inputs chosen at random,
/// waits for states the kernel reports (never for a while), and compares what the student's code found —
/// exit codes, lines of text, the order of events — never pids, descriptor numbers or timings.</summary>
public static class IntroChecks
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    /// <summary>intro.zombies: <paramref name="find"/> returns the exit codes of the zombie children of a process.
    /// The check makes a native parent (sh, which then becomes sleep: it never calls wait) with zombie children
    /// that exited with random codes and living children beside them — and a second such parent, a decoy, so
    /// that counting every zombie of the machine is not enough.</summary>
    public static CheckResult Zombies(Func<int, int[]> find) => Exercise.Check("intro.zombies", 3, () =>
    {
        var codes = Distinct(Random.Shared.Next(2, 5), 1, 200);
        var decoyCodes = Distinct(2, 201, 250);
        using var parent = ParentWithZombies(codes, living: Random.Shared.Next(1, 3));
        using var decoy = ParentWithZombies(decoyCodes, living: 1);
        try
        {
            WaitForZombies(parent, codes.Length);
            WaitForZombies(decoy, decoyCodes.Length);
            var found = find(parent.Pid) ?? throw new CheckFailedException("Your function returned null.", hint: "Return an array with one exit code per zombie child.");
            if (found.Length == codes.Length && found.Zip(codes.Order()).Any(p => p.First == p.Second << 8))
                throw new CheckFailedException("These are raw wait statuses, not exit codes.", Expect.Show(codes.Order().ToList()), Expect.Show(found.ToList()),
                    "The exit_code field of /proc/PID/stat is in waitpid's format: the code a process passed to exit() is (value >> 8) & 0xff.");
            Expect.SameItems(codes, found, "the exit codes of the parent's zombie children",
                "List /proc, keep the processes whose parent (field 4 of /proc/PID/stat) is the pid you were given and whose state (field 3) is Z, " +
                "and decode each one's exit_code (the last field, 52): (value >> 8) & 0xff. Living children and other processes' zombies do not count.");
            return $"Found the {codes.Length} zombie children among {codes.Length + 1}+ children, with their exit codes {string.Join(", ", codes)}.";
        }
        finally
        {
            // Living children would outlive their parent, adopted by init: kill them first (a child is never
            // reaped by its parent here, so its pid cannot have been reused). The zombies go with the parent.
            foreach (var p in new[] { parent, decoy })
                foreach (var c in ProcTable.ChildrenOf(p.Pid).Where(c => c.State != 'Z'))
                    Posix.Kill(c.Pid, Signal.SIGKILL, out _);
        }
    });

    private static ChildProcess ParentWithZombies(int[] codes, int living)
    {
        // "( exit N ) &" forks a child that exits at once; "sleep 60 &" one that lives. The shell then becomes
        // sleep (exec keeps the pid and the children) and never waits for them: the dead ones stay zombies.
        var script = string.Concat(codes.Select(c => $"( exit {c} ) & ")) + string.Concat(Enumerable.Repeat("sleep 60 & ", living)) + "exec sleep 60";
        return Command.Start("sh", "-c", script);
    }

    private static void WaitForZombies(ChildProcess parent, int count)
    {
        long deadline = Environment.TickCount64 + (long)Long.TotalMilliseconds;
        while (ProcTable.ChildrenOf(parent.Pid).Count(c => c.State == 'Z') < count)
        {
            if (Environment.TickCount64 > deadline)
                throw new WaitTimeoutException($"The check's parent process (pid {parent.Pid}) did not get its {count} zombie children within {Long.TotalSeconds} s; its state is {ProcessState.Describe(parent.Pid) ?? "gone"}.");
            Thread.Sleep(5);
        }
    }

    private static int[] Distinct(int count, int min, int max) =>
        Enumerable.Range(min, max - min + 1).OrderBy(_ => Random.Shared.Next()).Take(count).ToArray();

    private static readonly string[] Words = ["two words", "a|b", "$HOME", "semi;colon", "it's", "apple", "kernel", "pipe", "*", "fork", "exec"];

    /// <summary>intro.pipeline: <paramref name="pipeline"/> runs <c>first | second</c> by hand — one pipe, the first
    /// program's stdout on its write end, the second's stdin on its read end — and returns what the second
    /// printed. The words hold characters a shell would interpret, which a program started with its argv keeps.</summary>
    public static CheckResult Pipeline(Func<string[], string[], string> pipeline) => Exercise.Check("intro.pipeline", 2, () =>
    {
        var words = Words.OrderBy(_ => Random.Shared.Next()).Take(Random.Shared.Next(4, 7)).ToList();
        foreach (var must in new[] { "a|b", "two words" })
            if (!words.Contains(must)) words.Add(must);
        var lines = words.OrderBy(_ => Random.Shared.Next()).ToArray();
        string[] first = ["printf", "%s\n", .. lines];
        (string[] second, string[] expected) = Random.Shared.Next(3) switch
        {
            0 => (new[] { "tac" }, Enumerable.Reverse(lines).ToArray()),
            1 => (new[] { "tr", "a-z", "A-Z" }, lines.Select(l => l.ToUpperInvariant()).ToArray()),
            _ => (new[] { "head", "-n", "3" }, lines.Take(3).ToArray()),
        };
        long mark = EventTrace.Mark();
        var output = pipeline(first, second) ?? throw new CheckFailedException("Your function returned null.", hint: "Return the second program's StandardOutput.");
        Expect.Equal(string.Join("\n", expected), output.TrimEnd('\n'), $"what `{string.Join(' ', first.Select(Quote))} | {string.Join(' ', second)}` printed",
            "Start both programs with Command.Start(program, args, stdin: ..., stdout: ...): the first with stdout on the pipe's write end, the second with stdin on its read end. " +
            "Pass the arguments as they are: no shell, so '|', '$' and spaces stay what they are.");
        var spawned = EventTrace.Since(mark).Where(e => e.Kind == TraceKind.Spawned).Select(e => e.Detail).ToList();
        Expect.True(spawned.Any(d => d.StartsWith("spawned printf ", StringComparison.Ordinal)) && spawned.Any(d => d.StartsWith($"spawned {second[0]}", StringComparison.Ordinal)),
            "The right text came back, but the two programs were not started.", expected: $"printf and {second[0]} started by your function", actual: Expect.Show(spawned),
            hint: "Start both programs, connected by a pipe.");
        return $"printf | {string.Join(' ', second)} printed the {expected.Length} expected lines, '|' and '$' included.";
    });

    private static string Quote(string word) => word.Any(c => !char.IsAsciiLetterOrDigit(c)) ? $"'{word.Replace("\n", "\\n")}'" : word;

    /// <summary>intro.rendezvous: <paramref name="send"/> writes the message into the data pipe and returns only once
    /// the receiver has taken it, which the receiver says with one byte on the ack pipe. The check lets its
    /// receiver read only after it has seen the send wait on the ack pipe, so a send that returns at once is seen
    /// returning while nobody has read.</summary>
    public static CheckResult Rendezvous(Action<PipeWriteEnd, PipeReadEnd, string> send) => Exercise.Check("intro.rendezvous", 2, () =>
    {
        string message = $"{Words[Random.Shared.Next(5, Words.Length)]}-{Random.Shared.Next(1000, 10000)}";
        using var data = Pipe.Create();
        using var ack = Pipe.Create();
        using var go = Pipe.Create();
        // The receiver is started first and waits for a go: starting a process takes long on a busy machine,
        // longer than a send may wait for its acknowledgement.
        using var receiver = Fork.Run(go.ReadEnd, data.ReadEnd, ack.WriteEnd, (start, input, reply) =>
        {
            Console.WriteLine("receiver ready");
            start.Read(1, TimeSpan.FromSeconds(60));
            var got = input.Read(4096);
            Console.WriteLine($"received {System.Text.Encoding.UTF8.GetString(got)}");
            reply.Write("k");
        }, name: "receiver");
        data.ReadEnd.Close();
        ack.WriteEnd.Close();
        go.ReadEnd.Close();
        receiver.WaitForOutput("receiver ready", TimeSpan.FromSeconds(60));
        long mark = EventTrace.Mark();
        var sending = Task.Run(() => send(data.WriteEnd, ack.ReadEnd, message));
        int ackFd = ack.ReadEnd.Number;
        long deadline = Environment.TickCount64 + (long)Long.TotalMilliseconds;
        while (!EventTrace.Since(mark).Any(e => e.Process == EventTrace.ProcessName && e.Kind == TraceKind.Blocked && e.Fd == ackFd))
        {
            if (sending.IsCompleted)
            {
                if (sending.Exception?.InnerException is { } thrown) throw thrown;
                throw new CheckFailedException("Your send returned while no process had read the message: the receiver had not started reading.",
                    expected: "SyncSend waiting until the receiver acknowledges", actual: "returned with the message still in the pipe",
                    hint: "A write into a pipe returns as soon as the bytes are in the kernel's buffer. After writing, wait for the receiver's byte on the ack pipe.");
            }
            if (Environment.TickCount64 > deadline)
                throw new CheckFailedException("Your send neither returned nor waited on the ack pipe within 10 s.", expected: "a read on the ack pipe's read end that waits",
                    actual: "no wait on the ack pipe", hint: "After the write, read one byte from the ack pipe: ack.Read(1).");
            Thread.Sleep(2);
        }
        go.WriteEnd.Write("g");
        if (!sending.Wait(Long))
            throw new CheckFailedException("The receiver acknowledged, but your send did not return.", hint: "Read one byte from the ack pipe, then return.");
        if (sending.Exception?.InnerException is { } failed) throw failed;
        receiver.Wait(Long);
        Expect.True(receiver.Output.Any(l => l.Text == $"received {message}"), $"The receiver did not get \"{message}\" in one read.",
            expected: $"received {message}", actual: Expect.Show(receiver.Output.Select(l => l.Text).ToList()), hint: "Write the message in one write, as UTF-8 text.");
        return $"Your send waited until the receiver had taken \"{message}\": a rendezvous built from two pipes.";
    });
}
