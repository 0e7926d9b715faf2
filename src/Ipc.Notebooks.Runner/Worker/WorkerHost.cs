using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Runner.Protocol;

namespace Ipc.Notebooks.Runner.Worker;

// The worker process: runs one notebook's cells, one at a time, as the runner sends them. Cells run on the main
// thread; a second thread reads commands so that a status request is answered even while a cell never returns.
internal static class WorkerHost
{
    public const string ResultsVariable = "IPC_LAB_RESULTS";

    private static volatile int _runningCell;
    private static long _cellStarted;

    public static int Run(string notebookDirectory, string resultsPath)
    {
        var (input, output) = ProtocolStdio.TakeOver();
        var channel = new JsonLines(output);
        Environment.SetEnvironmentVariable(ResultsVariable, resultsPath);
        Console.SetOut(new CaptureWriter("stdout"));
        Console.SetError(new CaptureWriter("stderr"));
        Directory.SetCurrentDirectory(notebookDirectory);

        var executor = new CellExecutor(notebookDirectory);
        executor.WarmUp();

        var commands = new BlockingCollection<JsonObject>();
        var reader = new Thread(() => ReadCommands(input, channel, commands)) { IsBackground = true, Name = "runner commands" };
        reader.Start();
        channel.Send(new JsonObject { ["event"] = "ready" });

        foreach (var command in commands.GetConsumingEnumerable())
        {
            if ((string?)command["cmd"] != "exec") break;
            var cell = (int)command["cell"]!;
            var capture = new CellCapture();
            DisplaySink.Begin(capture);
            _cellStarted = Stopwatch.GetTimestamp();
            _runningCell = cell;
            string outcome;
            try
            {
                outcome = executor.Execute(cell, (string)command["source"]!, (int)command["executionCount"]!, capture);
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
            channel.Send(new JsonObject
            {
                ["event"] = "done",
                ["cell"] = cell,
                ["outcome"] = outcome,
                ["outputs"] = new JsonArray([.. capture.Complete()]),
            });
        }
        // Threads a notebook started (foreground ones too) must not keep the worker alive after its last cell.
        Environment.Exit(0);
        return 0;
    }

    private static void ReadCommands(TextReader input, JsonLines channel, BlockingCollection<JsonObject> commands)
    {
        while (input.ReadLine() is { } line)
        {
            if (JsonLines.Parse(line) is not { } command) continue;
            if ((string?)command["cmd"] == "status") channel.Send(Status());
            else commands.Add(command);
        }
        commands.CompleteAdding();
    }

    private static JsonObject Status() => new()
    {
        ["event"] = "status",
        ["cell"] = _runningCell,
        ["elapsedSeconds"] = Math.Round(Stopwatch.GetElapsedTime(Interlocked.Read(ref _cellStarted)).TotalSeconds, 2),
        ["activity"] = ActivityProbe.Describe(),
        ["output"] = DisplaySink.Current.TextSoFar(2000),
    };
}
