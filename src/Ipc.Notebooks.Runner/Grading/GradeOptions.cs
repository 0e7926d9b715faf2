using System.Globalization;
using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Containment;

namespace Ipc.Notebooks.Runner.Grading;

/// <summary>`grade SUBMISSION... --out DIR [options]`, parsed by hand like `run`'s options.</summary>
internal sealed record GradeOptions(
    IReadOnlyList<string> Submissions,
    string OutDirectory,
    int Jobs,
    TimeSpan CellTimeout,
    TimeSpan NotebookTimeout,
    TimeSpan CellCpu,
    TimeSpan NotebookCpu,
    long MemoryBytes,
    int Processes,
    long OutputLimit,
    string CourseDirectory,
    string? HiddenDirectory,
    bool Classroom,
    ContainmentMode Containment)
{
    /// <summary>A submission file larger than this is not read (a notebook of the course is well below 1 MiB).</summary>
    public const long MaxNotebookBytes = 20L * 1024 * 1024;

    public const string Usage = """
        usage: ipc-notebooks grade SUBMISSION... --out DIR [--jobs N] [--cell-timeout S] [--notebook-timeout S]
                                   [--cell-cpu S] [--notebook-cpu S]
                                   [--memory MIB] [--processes N] [--output-limit CHARS] [--course DIR] [--hidden DIR]
                                   [--format json|classroom] [--containment auto|cgroup|cgroup2|tree]
          SUBMISSION             a student's notebook, or a folder of their notebooks (named after the file or folder)
          --out DIR              grades.json, grades.csv, feedback/<student>.html (and classroom.json) go here
          --jobs N               grade N submissions at once (default 1)
          --cell-timeout S       stop a cell, and every process it started, after S seconds (default 60)
          --notebook-timeout S   stop a notebook after S seconds in all (default 900)
          --cell-cpu S           stop a cell whose processes used S seconds of CPU time (default 60)
          --notebook-cpu S       stop a notebook whose processes used S seconds of CPU time in all (default 600)
          --memory MIB           memory of all processes of one submission (default 1024)
          --processes N          processes of one submission at once (default 200)
          --output-limit CHARS   output kept per cell (default 1000000); the rest is dropped with a note
          --course DIR           the course's notebooks, as shipped (default: notebooks/)
          --hidden DIR           hidden checks: DIR/<exercise id>.<name>.cs, run after that exercise's check
          --format classroom     also print GitHub Classroom's autograding result (and write DIR/classroom.json)
          --containment MODE     auto (a cgroup where writable, else the process tree), cgroup, cgroup2 (the
                                 unified hierarchy only), or tree
        """;

    public static GradeOptions Parse(IReadOnlyList<string> args)
    {
        var submissions = new List<string>();
        string? outDirectory = null;
        var jobs = 1;
        var cell = TimeSpan.FromSeconds(60);
        var notebook = TimeSpan.FromSeconds(900);
        var cellCpu = TimeSpan.FromSeconds(60);
        var notebookCpu = TimeSpan.FromSeconds(600);
        var memory = 1024L * 1024 * 1024;
        var processes = 200;
        var output = 1_000_000L;
        var course = "notebooks";
        string? hidden = null;
        var classroom = false;
        var containment = Orchestration.RunSettings.ContainmentFromEnvironment();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            double Positive(string option)
            {
                var text = Value();
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number > 0
                    ? number : throw new UsageException($"{option} needs a positive number, not '{text}'");
            }
            switch (args[i])
            {
                case "--out": outDirectory = Value(); break;
                case "--jobs": jobs = (int)Positive("--jobs"); break;
                case "--cell-timeout": cell = TimeSpan.FromSeconds(Positive("--cell-timeout")); break;
                case "--notebook-timeout": notebook = TimeSpan.FromSeconds(Positive("--notebook-timeout")); break;
                case "--cell-cpu": cellCpu = TimeSpan.FromSeconds(Positive("--cell-cpu")); break;
                case "--notebook-cpu": notebookCpu = TimeSpan.FromSeconds(Positive("--notebook-cpu")); break;
                case "--memory": memory = (long)(Positive("--memory") * 1024 * 1024); break;
                case "--processes": processes = (int)Positive("--processes"); break;
                case "--output-limit": output = (long)Positive("--output-limit"); break;
                case "--course": course = Value(); break;
                case "--hidden": hidden = Value(); break;
                case "--format":
                    var format = Value();
                    classroom = format switch
                    {
                        "classroom" => true,
                        "json" => false,
                        _ => throw new UsageException($"--format is json or classroom, not '{format}'"),
                    };
                    break;
                case "--containment":
                    var mode = Value();
                    containment = Orchestration.RunSettings.ParseContainment(mode) ?? throw new UsageException($"--containment is auto, cgroup, cgroup2 or tree, not '{mode}'");
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new UsageException($"unknown option {option}");
                default: submissions.Add(args[i]); break;
            }
        }
        if (submissions.Count == 0) throw new UsageException("grade: no submission given");
        if (outDirectory is null) throw new UsageException("grade needs --out DIR");
        if (hidden is not null && !Directory.Exists(hidden)) throw new UsageException($"--hidden: no such folder: {hidden}");
        return new GradeOptions(submissions, Path.GetFullPath(outDirectory), jobs, cell, notebook, cellCpu, notebookCpu, memory, processes, output,
            Path.GetFullPath(course), hidden is null ? null : Path.GetFullPath(hidden), classroom, containment);
    }
}
