using System.Text.RegularExpressions;

namespace Ipc.Notebooks.Runner.Worker;

internal sealed record CellDirectives(string Code, IReadOnlyList<string> References, IReadOnlyList<string> Errors);

// Handles the kernel directives of a cell before Roslyn sees it. Directive lines become blank lines so that
// line numbers in compiler errors and stack traces still match what the student sees. Anything the real kernel
// would honour but this executor cannot is an error, never silently dropped: a notebook that passes here
// must not depend on something that was skipped.
internal static partial class DirectivePreprocessor
{
    public static CellDirectives Process(string source, int cellNumber, string notebookDirectory)
    {
        var lines = source.Split('\n');
        var references = new List<string>();
        var errors = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            var where = $"cell {cellNumber}, line {i + 1}";
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                var name = line[2..].Split(' ', 2)[0];
                if (i == 0 && name is "csharp" or "c#" or "C#") { lines[i] = ""; continue; }
                errors.Add(i == 0
                    ? $"{where}: '#!{name}' selects a kernel this executor does not have; only C# cells run here."
                    : $"{where}: the magic command '{line}' is not supported by this executor; remove it from the cell.");
            }
            else if (RDirective().Match(line) is { Success: true } r)
            {
                var argument = r.Groups["arg"].Value.Trim();
                lines[i] = "";
                if (argument.StartsWith("nuget:", StringComparison.OrdinalIgnoreCase))
                {
                    // The course's notebooks need no package: Ipc.Lab draws its own charts. A package restored by
                    // the real kernel could differ from anything this executor would load, so it is refused, not faked.
                    errors.Add($"{where}: #r \"{argument}\": NuGet packages cannot be restored by this executor. Reference a built DLL with #r \"path/to.dll\" instead.");
                    continue;
                }
                var path = Path.GetFullPath(Path.Combine(notebookDirectory, argument));
                if (File.Exists(path)) references.Add(path);
                else errors.Add($"{where}: #r \"{argument}\": no such file: {path}.");
            }
            else if (line.StartsWith("#r", StringComparison.Ordinal) && (line.Length == 2 || char.IsWhiteSpace(line[2])))
            {
                errors.Add($"{where}: '{line}' is not a valid #r directive; write #r \"path/to.dll\" or #r \"nuget: Package, Version\".");
            }
            else if (OtherDirective().IsMatch(line))
            {
                errors.Add($"{where}: the directive '{line}' is not supported by this executor.");
            }
        }
        return new CellDirectives(string.Join('\n', lines), references, errors);
    }

    [GeneratedRegex("""^#r\s+"(?<arg>[^"]*)"\s*$""")]
    private static partial Regex RDirective();

    [GeneratedRegex("""^#(i|load)(\s|$)""")]
    private static partial Regex OtherDirective();
}
