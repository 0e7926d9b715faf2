using System.Globalization;

namespace Ipc.Notebooks.Runner.Cli;

// `run <notebook.ipynb or folder>... [--out DIR] [--cell-timeout SECONDS] [--html] [--answers DIR] [--engine runner|kernel]`,
// parsed by hand: five options do not justify a dependency.
internal sealed record RunOptions(
    IReadOnlyList<string> Inputs,
    string OutDirectory,
    TimeSpan CellTimeout,
    bool Html,
    string? AnswersDirectory,
    Engine Engine = Engine.Runner)
{
    public const string Usage = """
        usage: ipc-notebooks run <notebook.ipynb or folder>... [--out DIR] [--cell-timeout SECONDS] [--html] [--answers DIR] [--engine runner|kernel]
          --out DIR              where executed notebooks, results.json and HTML go (default artifacts/notebooks/)
          --cell-timeout SECONDS stop a cell (and its notebook) after this long (default 60)
          --html                 also write <notebook>.html, readable offline
          --answers DIR          run exercise cells with DIR/<exercise id>.cs instead of the notebook's code
          --engine runner        run each notebook in the course's own worker (default)
          --engine kernel        run each notebook in the real .NET Interactive kernel through Jupyter (nbclient),
                                 as students do; needs Debian's python3-nbclient (scripts/setup installs it)
        usage: ipc-notebooks kernelspec install [--user | --dir DIR]
          --user                 install the course's .net-csharp kernelspec for this user (default)
          --dir DIR              write it to DIR/kernels/.net-csharp/, for a JUPYTER_PATH
        """;

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var inputs = new List<string>();
        var outDirectory = Path.Combine("artifacts", "notebooks");
        var timeout = TimeSpan.FromSeconds(60);
        var html = false;
        string? answers = null;
        var engine = Engine.Runner;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--out": outDirectory = Value(); break;
                case "--html": html = true; break;
                case "--answers": answers = Path.GetFullPath(Value()); break;
                case "--engine":
                    var name = Value();
                    engine = name switch
                    {
                        "runner" => Engine.Runner,
                        "kernel" => Engine.Kernel,
                        _ => throw new UsageException($"--engine is runner or kernel, not '{name}'"),
                    };
                    break;
                case "--cell-timeout":
                    var text = Value();
                    if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                        throw new UsageException($"--cell-timeout needs a positive number of seconds, not '{text}'");
                    timeout = TimeSpan.FromSeconds(seconds);
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option {option}");
                default: inputs.Add(args[i]); break;
            }
        }
        if (inputs.Count == 0) throw new UsageException("no notebook or folder given");
        if (answers is not null && !Directory.Exists(answers)) throw new UsageException($"--answers: no such folder: {answers}");
        return new RunOptions(inputs, Path.GetFullPath(outDirectory), timeout, html, answers, engine);
    }

    public IReadOnlyList<string> Notebooks()
    {
        var notebooks = new List<string>();
        foreach (var input in Inputs)
        {
            if (Directory.Exists(input))
                notebooks.AddRange(Directory.EnumerateFiles(input, "*.ipynb").Order(StringComparer.Ordinal));
            else if (File.Exists(input))
                notebooks.Add(input);
            else
                throw new UsageException($"no such notebook or folder: {input}");
        }
        return [.. notebooks.Select(Path.GetFullPath)];
    }
}

/// <summary>Who executes the cells: the course's own worker on Roslyn scripting, or the .NET Interactive kernel.</summary>
internal enum Engine { Runner, Kernel }

internal sealed class UsageException(string message) : Exception(message);
