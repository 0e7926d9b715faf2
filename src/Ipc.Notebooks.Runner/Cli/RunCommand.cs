using Ipc.Notebooks.Runner.Export;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Orchestration;
using Ipc.Notebooks.Runner.Reporting;

namespace Ipc.Notebooks.Runner.Cli;

// `run`: every notebook in its own worker (or its own .NET Interactive kernel with --engine kernel), one after another; executed copies, results.json and (with --html)
// pages into the out folder. Exit code 0 only when no cell failed unexpectedly.
internal static class RunCommand
{
    public static int Execute(RunOptions options)
    {
        var notebooks = options.Notebooks();
        Directory.CreateDirectory(options.OutDirectory);

        var reports = new List<NotebookReport>();
        foreach (var path in notebooks)
        {
            NotebookReport report;
            NotebookDocument executed;
            try
            {
                (report, executed) = options.Engine == Engine.Kernel
                    ? new KernelNotebookRun(options, Console.Error).Execute(path)
                    : new NotebookRun(options, Console.Error).Execute(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or System.Text.Json.JsonException)
            {
                // One unreadable notebook must not hide the results of the others.
                report = new NotebookReport(Path.GetFileName(path), path);
                report.Failures.Add(new CellFailure(0, "", $"could not read the notebook: {e.Message}"));
                reports.Add(report);
                Console.Error.WriteLine($"{report.Name} ✗ could not read the notebook: {e.Message}");
                continue;
            }
            report.ExecutedPath = Path.Combine(options.OutDirectory, report.Name);
            executed.Save(report.ExecutedPath);
            if (options.Html)
            {
                report.HtmlPath = Path.Combine(options.OutDirectory, Path.ChangeExtension(report.Name, ".html"));
                HtmlExporter.Write(executed, Path.GetFileNameWithoutExtension(report.Name), report.HtmlPath);
            }
            reports.Add(report);
        }
        ResultsFile.Write(Path.Combine(options.OutDirectory, "results.json"), reports);
        Console.Out.Write(SummaryTable.Render(reports));
        return reports.All(r => r.Passed) ? 0 : 1;
    }
}
