using System.Text;
using Ipc.Lab.Native;
using static Tmds.Linux.LibC;

namespace Ipc.Lab.Processes;

/// <summary>Shell pipelines of real programs, built the way a shell builds them: one pipe between each pair
/// of neighbours, each program's stdout dup2'ed onto a write end and the next one's stdin onto the read end.
/// "cmd1 | cmd2 | cmd3" — programs and arguments only (no redirections, no variables).</summary>
public static class Shell
{
    /// <summary>Starts the pipeline and returns at once, with its processes running.</summary>
    public static RunningPipeline Start(string commandLine)
    {
        var stages = Parse(commandLine);
        var started = new List<ChildProcess>();
        int previousRead = -1;
        try
        {
            for (int i = 0; i < stages.Count; i++)
            {
                bool last = i == stages.Count - 1;
                int readEnd = -1, writeEnd = -1;
                if (!last) (readEnd, writeEnd) = Sys.Pipe2(O_CLOEXEC);
                try
                {
                    started.Add(Command.Start(stages[i][0], stages[i].Skip(1).ToArray(), previousRead, last ? -1 : writeEnd));
                }
                catch
                {
                    // This stage never started: nobody will read the pipe made for its output.
                    if (readEnd >= 0) close(readEnd);
                    throw;
                }
                finally
                {
                    // The shell's own copies must go: otherwise the reader never sees end of file. Forget the
                    // number at once, so that the clean-up below cannot close it a second time (by then it may
                    // be another thread's descriptor).
                    if (previousRead >= 0) close(previousRead);
                    previousRead = -1;
                    if (writeEnd >= 0) close(writeEnd);
                }
                previousRead = readEnd;
            }
        }
        catch
        {
            if (previousRead >= 0) close(previousRead);
            foreach (var c in started) c.Dispose();
            throw;
        }
        return new RunningPipeline(commandLine, started);
    }

    /// <summary>Runs the pipeline to the end and returns what the last program printed and how each ended.</summary>
    public static PipelineResult Run(string commandLine, TimeSpan? timeout = null) => Start(commandLine).Wait(timeout);

    internal static List<string[]> Parse(string commandLine)
    {
        if (string.IsNullOrWhiteSpace(commandLine)) throw new ArgumentException("The command line is empty.", nameof(commandLine));
        var stages = new List<string[]>();
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        void EndWord()
        {
            if (inWord) words.Add(word.ToString());
            word.Clear();
            inWord = false;
        }
        void EndStage()
        {
            EndWord();
            if (words.Count == 0) throw new ArgumentException($"An empty stage in '{commandLine}': every '|' needs a program on both sides.", nameof(commandLine));
            stages.Add(words.ToArray());
            words.Clear();
        }
        foreach (char ch in commandLine)
        {
            if (quote != '\0')
            {
                if (ch == quote) quote = '\0';
                else word.Append(ch);
                continue;
            }
            switch (ch)
            {
                case '\'' or '"': quote = ch; inWord = true; break;
                case '|': EndStage(); break;
                case ' ' or '\t': EndWord(); break;
                case '<' or '>' or '&' or ';' or '$' or '`':
                    throw new ArgumentException($"'{ch}' in '{commandLine}': only pipelines of programs and arguments are supported here (no redirections, variables or lists).", nameof(commandLine));
                default: word.Append(ch); inWord = true; break;
            }
        }
        if (quote != '\0') throw new ArgumentException($"Unclosed quote {quote} in '{commandLine}'.", nameof(commandLine));
        EndStage();
        return stages;
    }
}

/// <summary>A pipeline whose processes are running.</summary>
public sealed class RunningPipeline(string commandLine, IReadOnlyList<ChildProcess> stages) : IDisposable
{
    public string CommandLine { get; } = commandLine;

    public IReadOnlyList<ChildProcess> Stages { get; } = stages;

    public PipelineResult Wait(TimeSpan? timeout = null)
    {
        long deadline = Environment.TickCount64 + Lab.ToMilliseconds(timeout);
        var statuses = Stages.Select(s => s.Wait(TimeSpan.FromMilliseconds(Math.Max(1, deadline - Environment.TickCount64)))).ToArray();
        return new PipelineResult(Stages[^1].StandardOutput,
            Stages.Select((s, i) => new PipelineStage(s.Command, s.Pid, statuses[i])).ToArray());
    }

    public void Dispose()
    {
        foreach (var s in Stages) s.Dispose();
    }
}

public sealed record PipelineStage(string Command, int Pid, ExitStatus Status);

/// <summary>What the last program printed, and how every program of the pipeline ended.</summary>
public sealed record PipelineResult(string Output, IReadOnlyList<PipelineStage> Stages);
