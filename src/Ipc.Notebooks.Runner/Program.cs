using System.Text;
using Ipc.Notebooks.Runner.Cli;
using Ipc.Notebooks.Runner.Grading;
using Ipc.Notebooks.Runner.Worker;

Console.OutputEncoding = new UTF8Encoding(false);
try
{
    return args switch
    {
        ["run", .. var rest] => RunCommand.Execute(RunOptions.Parse(rest)),
        ["kernelspec", .. var rest] => KernelspecCommand.Execute(rest),
        // Internal: how the runner starts itself as a notebook's worker process.
        ["worker", "--notebook-dir", var directory, "--results", var results] => WorkerHost.Run(directory, results),
        ["worker", "--notebook-dir", var directory, "--results", var results, "--output-limit", var limit] =>
            WorkerHost.Run(directory, results, long.Parse(limit, System.Globalization.CultureInfo.InvariantCulture)),
        ["grade", .. var rest] => GradeCommand.Execute(GradeOptions.Parse(rest)),
        _ => throw new UsageException(args.Length == 0 ? "no command given" : $"unknown command '{args[0]}'"),
    };
}
catch (UsageException e)
{
    Console.Error.WriteLine($"ipc-notebooks: {e.Message}");
    Console.Error.WriteLine(RunOptions.Usage);
    Console.Error.WriteLine(GradeOptions.Usage);
    return 2;
}
