using Ipc.Notebooks.Runner.Jupyter;

namespace Ipc.Notebooks.Runner.Cli;

// `kernelspec install [--user | --dir DIR]`: installs the course's `.net-csharp` kernelspec (see CourseKernelspec),
// so Jupyter, Binder and the set-up script start the pinned kernel the same way the tests do.
internal static class KernelspecCommand
{
    public static int Execute(IReadOnlyList<string> args)
    {
        string? dir = args switch
        {
            ["install"] or ["install", "--user"] => null,
            ["install", "--dir", var d] => Path.GetFullPath(d),
            ["install", ..] => throw new UsageException($"kernelspec install takes --user or --dir DIR, not '{string.Join(' ', args.Skip(1))}'"),
            _ => throw new UsageException("the kernelspec command has one subcommand: install"),
        };
        try
        {
            var where = dir is null ? CourseKernelspec.InstallForUser(Console.Error) : CourseKernelspec.WriteToJupyterPath(dir, Console.Error);
            Console.Out.WriteLine($"kernelspec {CourseKernelspec.Name} ({CourseKernelspec.DisplayName}): {where}");
            return 0;
        }
        catch (KernelspecException e)
        {
            Console.Error.WriteLine($"ipc-notebooks: {e.Message}");
            return 1;
        }
    }
}
