using System.Reflection;
using Ipc.Notebooks.Runner.Protocol;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Ipc.Notebooks.Runner.Worker;

// What makes a check cell's verdict the course's and not the student's, inside the worker (the grader does the
// rest: the cell's text is the course's, and only a verdict carrying the command's nonce counts):
// - the cell's value must come from a method of the course library itself (Ipc.Lab, loaded by #r), so a class
//   PipesChecks or Exercise that a student declares in an answer cell cannot stand in for the real one;
// - no name in the cell may bind to a type a notebook cell declared (the same shadowing, one level down);
// - the verdict is read from the CheckResult object that method returned: the library's own type, from the
//   library's own assembly, whose constructor is internal — not from anything printed or written to a file.
internal static class CheckCellGuard
{
    private const string Library = "Ipc.Lab";
    private const string ResultType = "Ipc.Lab.Exercises.CheckResult";

    /// <summary>Null when the cell calls the course's check; otherwise why its verdict cannot be trusted.</summary>
    public static string? Shadowed(Compilation compilation)
    {
        var tree = compilation.SyntaxTrees.Single();
        var model = compilation.GetSemanticModel(tree);
        var root = (CompilationUnitSyntax)tree.GetRoot();
        foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            if (model.GetSymbolInfo(name).Symbol is INamedTypeSymbol { ContainingAssembly.IsInteractive: true } type)
                return $"the check cell's name '{type.Name}' refers to a type declared in the notebook, not to the course's: " +
                       "a notebook that declares a type with a check's name is not graded for this exercise. Rename your type.";
        if (root.Members is not [.., GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: InvocationExpressionSyntax call } }])
            return "the check cell does not end in a call of the course's check";
        if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method ||
            method.ContainingAssembly?.Name != Library ||
            method.ReturnType.ToDisplayString() != ResultType)
            return $"the check cell's call '{call.Expression}' does not bind to a check of the course library ({Library}) but to " +
                   $"{(model.GetSymbolInfo(call).Symbol is { } other ? $"'{other.ToDisplayString()}' in {other.ContainingAssembly?.Name ?? "the notebook"}" : "nothing the compiler could name")}.";
        return null;
    }

    /// <summary>The verdict in the value the check cell returned, or an error verdict when the value is not the
    /// course library's CheckResult for this exercise.</summary>
    public static Verdict Read(CheckCall check, object? value)
    {
        var type = value?.GetType();
        if (type is null || type.FullName != ResultType || type.Assembly.GetName().Name != Library || type.Assembly.IsDynamic)
            return Refused(check, $"the check cell returned {(type is null ? "nothing" : type.FullName)}, not the course library's {ResultType}");
        string? Text(string property) => type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value) as string;
        int Number(string property) => type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance)?.GetValue(value) as int? ?? 0;
        var id = Text("Id") ?? "";
        if (id != check.Exercise)
            return Refused(check, $"the check cell judged exercise '{id}', but it is the check of '{check.Exercise}'");
        var message = Text("Message") ?? "";
        foreach (var (label, property) in new[] { ("expected", "Expected"), ("your code", "Actual") })
            if (Text(property) is { Length: > 0 } detail) message += $" ({label}: {detail})";
        return new Verdict(id, Number("Points"), Number("Earned"), Text("StatusName") ?? "failed", message, Text("Hint"), check.Nonce);
    }

    public static Verdict Refused(CheckCall check, string why) => new(check.Exercise, 0, 0, "error", why, null, check.Nonce);
}
