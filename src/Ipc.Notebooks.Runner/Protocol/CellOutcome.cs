namespace Ipc.Notebooks.Runner.Protocol;

// How a cell ended, as the worker reports it; the runner decides from this and the cell's tags whether it failed.
internal static class CellOutcome
{
    public const string Ok = "ok";
    public const string Exception = "exception";
    public const string CompileError = "compile-error";
    public const string DirectiveError = "directive-error";
}
