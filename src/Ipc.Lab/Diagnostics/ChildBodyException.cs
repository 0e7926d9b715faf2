using System.Text;

namespace Ipc.Lab.Diagnostics;

/// <summary>One compiler diagnostic, at a line of the child body (1 = the line where the lambda starts).</summary>
public sealed record CompileError(string Code, string Message, int Line, int Column);

/// <summary>A child body that does not compile. When it uses names of the notebook (the parent's variables or
/// methods) the message says that a child cannot see them, and how to pass them.</summary>
public sealed class ChildBodyException(IReadOnlyList<CompileError> errors, string source) : Exception(Compose(errors, source))
{
    public IReadOnlyList<CompileError> Errors { get; } = errors;

    /// <summary>Names the body used that exist only in the parent.</summary>
    public IReadOnlyList<string> ParentNames { get; } = NamesOfParent(errors);

    private static string[] NamesOfParent(IEnumerable<CompileError> errors) =>
        errors.Where(e => e.Code == "CS0103")
            .Select(e => e.Message.Split('\'') is { Length: >= 3 } parts ? parts[1] : "")
            .Where(n => n.Length > 0).Distinct().ToArray();

    private static string Compose(IReadOnlyList<CompileError> errors, string source)
    {
        var text = new StringBuilder();
        var names = NamesOfParent(errors);
        if (names.Length > 0)
        {
            var list = string.Join(", ", names.Select(n => $"'{n}'"));
            text.Append($"The child body uses {list}, which {(names.Length == 1 ? "is a variable or method" : "are variables or methods")} of the notebook — the parent process. ");
            text.Append("A child is a separate process with its own memory: it cannot see the parent's variables. ");
            text.Append($"Pass what it needs explicitly, e.g. Fork.Run({names[0]}, {names[0]} => {{ ... }}) — the child gets its own copy (descriptors and kernel objects arrive as the same kind of object).");
            var other = errors.Where(e => e.Code != "CS0103").ToArray();
            if (other.Length > 0) text.Append(" Also: ").Append(string.Join("; ", other.Select(Describe)));
            return text.ToString();
        }
        text.Append("The child body does not compile: ").Append(string.Join("; ", errors.Select(Describe)));
        var lines = source.Split('\n');
        var first = errors.FirstOrDefault();
        if (first is not null && first.Line >= 1 && first.Line <= lines.Length)
            text.Append($". Line {first.Line} of the body: {lines[first.Line - 1].Trim()}");
        return text.ToString();
    }

    private static string Describe(CompileError e) => $"line {e.Line}, column {e.Column}: {e.Code}: {e.Message}";
}
