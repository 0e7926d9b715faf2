using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ipc.Contracts;
using Ipc.Notebooks.Runner.Protocol;

namespace Ipc.Notebooks.Runner.Worker;

// The worker process: runs one notebook's cells, one at a time, as the runner sends them. Cells run on the main
// thread; a second thread reads commands so that a status request is answered even while a cell never returns.
internal static class WorkerHost
{
    private static volatile int _runningCell;
    private static long _cellStarted;

    public static int Run(string notebookDirectory, string resultsPath, long? outputLimit = null)
    {
        if (outputLimit is { } limit) CellCapture.MaxChars = limit;
        // A runner killed with SIGKILL cannot kill us: the kernel does, so a stuck cell does not outlive it (and
        // the course library's guardian then cleans up after us).
        Containment.Sys.Prctl(Containment.Sys.PR_SET_PDEATHSIG, Containment.Sys.SIGKILL, 0, 0, 0);
        var (input, output) = ProtocolStdio.TakeOver();
        var channel = new JsonLines(output);
        // Grading passes none: its verdicts come from the check cells' return values, never from a file.
        Environment.SetEnvironmentVariable(ExerciseResultLine.Variable, resultsPath.Length > 0 ? resultsPath : null);
        Console.SetOut(new CaptureWriter("stdout"));
        Console.SetError(new CaptureWriter("stderr"));
        Directory.SetCurrentDirectory(notebookDirectory);

        var executor = new CellExecutor(notebookDirectory);
        executor.WarmUp();

        var commands = new BlockingCollection<WorkerCommand>();
        var reader = new Thread(() => ReadCommands(input, channel, commands)) { IsBackground = true, Name = "runner commands" };
        reader.Start();
        channel.Send<WorkerEvent>(new WorkerReady());

        foreach (var command in commands.GetConsumingEnumerable())
        {
            if (command is not ExecuteCell exec) break;
            var cell = exec.Cell;
            var capture = new CellCapture();
            DisplaySink.Begin(capture);
            _cellStarted = Stopwatch.GetTimestamp();
            _runningCell = cell;
            string outcome;
            // The verdict and the nonce stay in locals of this thread: nothing a cell can reach by reflection.
            Verdict? verdict = null;
            try
            {
                outcome = executor.Execute(cell, exec.Source, exec.ExecutionCount, capture, exec.Check, out verdict);
            }
            catch (Exception e)
            {
                // The executor itself failed (not the cell's code): report it in the cell rather than die silently.
                capture.Add(Notebooks.Outputs.Error("ExecutorError", e.Message, e.ToString().Split('\n')));
                outcome = CellOutcome.Exception;
            }
            _runningCell = 0;
            DisplaySink.End();
            Console.Out.Flush();
            channel.Send<WorkerEvent>(new CellDone(cell, outcome, new JsonArray([.. capture.Complete()]), verdict));
        }
        // Threads a notebook started (foreground ones too) must not keep the worker alive after its last cell.
        Environment.Exit(0);
        return 0;
    }

    private static void ReadCommands(TextReader input, JsonLines channel, BlockingCollection<WorkerCommand> commands)
    {
        while (input.ReadLine() is { } line)
        {
            if (JsonLines.Parse<WorkerCommand>(line) is not { } command) continue;
            if (command is StatusRequest) channel.Send<WorkerEvent>(Status());
            else commands.Add(command);
        }
        commands.CompleteAdding();
    }

    private static WorkerStatus Status() => new(
        _runningCell,
        Math.Round(Stopwatch.GetElapsedTime(Interlocked.Read(ref _cellStarted)).TotalSeconds, 2),
        ActivityProbe.Describe(),
        DisplaySink.Current.TextSoFar(2000));
}
