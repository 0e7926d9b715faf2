using System.Reflection;
using Ipc.Notebooks.Runner.Formatting;
using Ipc.Notebooks.Runner.Notebooks;
using Ipc.Notebooks.Runner.Protocol;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.DotNet.Interactive;

namespace Ipc.Notebooks.Runner.Worker;

// One notebook's C# session with the semantics of the .NET Interactive C# kernel: one Roslyn script state,
// continued cell by cell; a cell that fails to compile leaves the state as it was, a cell that throws keeps
// what it had assigned before the throw; the trailing expression's value is the cell's result.
internal sealed class CellExecutor
{
    private static readonly string[] DefaultImports =
    [
        "System", "System.Text", "System.Collections", "System.Collections.Generic", "System.Threading.Tasks", "System.Linq",
        typeof(Kernel).FullName!,
    ];

    private readonly string _notebookDirectory;
    private readonly StackMapper _stacks = new();
    private ScriptOptions _options;
    private ScriptState<object>? _state;

    public CellExecutor(string notebookDirectory)
    {
        _notebookDirectory = notebookDirectory;
        _options = ScriptOptions.Default
            .WithReferences(FrameworkReferences().Append(MetadataReference.CreateFromFile(typeof(Kernel).Assembly.Location)))
            .WithImports(DefaultImports)
            .WithEmitDebugInformation(false)
            // Without an encoding the source text cannot go into the PDB that StackMapper emits after a throw.
            .WithFileEncoding(System.Text.Encoding.UTF8)
            .WithAllowUnsafe(true)
            .WithLanguageVersion(Microsoft.CodeAnalysis.CSharp.LanguageVersion.Latest);
    }

    // Roslyn's first compilation costs seconds of JIT; paying it before the first cell keeps that cost out of
    // the per-cell timeout.
    public void WarmUp()
    {
        var script = CSharpScript.Create("var warm = new List<int> { 1 }.Select(x => x + 1).Sum(); display(warm); warm", _options);
        script.Compile();
    }

    public string Execute(int cellNumber, string source, int executionCount, CellCapture capture) =>
        Execute(cellNumber, source, executionCount, capture, null, out _);

    /// <summary>Runs a cell; for a check cell (<paramref name="check"/> set) also the verdict, or the reason there
    /// is none, from the value the course's check method returned (see <see cref="CheckCellGuard"/>).</summary>
    public string Execute(int cellNumber, string source, int executionCount, CellCapture capture, CheckCall? check, out Verdict? verdict)
    {
        verdict = null;
        var directives = DirectivePreprocessor.Process(source, cellNumber, _notebookDirectory);
        if (directives.Errors.Count > 0)
        {
            capture.Add(Outputs.Error("UnsupportedDirective", string.Join("\n", directives.Errors), directives.Errors));
            return CellOutcome.DirectiveError;
        }
        foreach (var path in directives.References)
        {
            AssemblyProbe.Add(path);
            _options = _options.AddReferences(MetadataReference.CreateFromFile(path));
        }

        var options = _options.WithFilePath($"cell{cellNumber}.csx");
        var script = _state is null ? CSharpScript.Create(directives.Code, options) : _state.Script.ContinueWith(directives.Code, options);
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            var messages = errors.Select(d => $"cell {cellNumber}, line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Id}: {d.GetMessage()}").ToList();
            capture.Add(Outputs.Error("CompilationError", string.Join("\n", messages), messages));
            return CellOutcome.CompileError;
        }
        var compilation = script.GetCompilation();
        _stacks.Register(cellNumber, compilation);
        if (check is not null && CheckCellGuard.Shadowed(compilation) is { } shadowed)
        {
            verdict = CheckCellGuard.Refused(check, shadowed);
            capture.Add(Outputs.Error("CheckShadowed", shadowed, [shadowed]));
            return CellOutcome.Exception;
        }

        var run = _state is null ? script.RunAsync(null, _ => true) : script.RunFromAsync(_state, _ => true);
        _state = run.GetAwaiter().GetResult();

        if (_state.Exception is { } thrown)
        {
            var exception = thrown is TargetInvocationException { InnerException: { } inner } ? inner : thrown;
            capture.Add(Outputs.Error(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, _stacks.Traceback(exception)));
            if (check is not null) verdict = CheckCellGuard.Refused(check, $"the check itself threw {exception.GetType().Name}: {exception.Message}");
            return CellOutcome.Exception;
        }
        if (check is not null) verdict = CheckCellGuard.Read(check, _state.ReturnValue);
        if (HasTrailingExpression(compilation) && _state.ReturnValue is not DisplayedValue)
            capture.Add(Outputs.ExecuteResult(ValueFormatter.Format(_state.ReturnValue, []), executionCount));
        return CellOutcome.Ok;
    }

    // Roslyn's own rule for a submission's result: the last statement is an expression without its semicolon.
    private static bool HasTrailingExpression(Compilation compilation) =>
        compilation.SyntaxTrees.Single().GetRoot() is CompilationUnitSyntax { Members: [.., GlobalStatementSyntax { Statement: ExpressionStatementSyntax statement }] } &&
        statement.SemicolonToken.IsMissing;

    // The kernel compiles against the whole shared framework; so does this, so that a cell using, say,
    // System.Net.Http compiles here exactly when it compiles in Polyglot.
    private static IEnumerable<MetadataReference> FrameworkReferences()
    {
        var frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.EnumerateFiles(frameworkDirectory, "*.dll")
            .Where(path => Path.GetFileName(path) is var name &&
                           (name.StartsWith("System.", StringComparison.Ordinal) || name.StartsWith("Microsoft.", StringComparison.Ordinal) ||
                            name is "netstandard.dll" or "mscorlib.dll"))
            .Where(IsManagedAssembly)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
    }

    private static bool IsManagedAssembly(string path)
    {
        try
        {
            AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
