using Ipc.Contracts;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;

namespace Ipc.Lab.Compiler;

/// <summary>Wraps a lambda's text in a class the child host can call, and compiles it to a DLL. The lambda's
/// lines are mapped with #line to "child body", line 1 = its first line, so errors and stack traces point
/// into the body the student wrote.</summary>
internal sealed class BodyCompilation
{
    private const string BodyFile = "child body";
    private readonly Lazy<List<MetadataReference>> _framework = new(() => FrameworkReferences(_ => true));
    private readonly List<MetadataReference> _common = FrameworkReferences(CommonAssemblies.Contains);

    /// <summary>What a body of this course uses: a compilation against these alone is ~170 ms faster on a cold
    /// compiler than one against all ~160 assemblies of the framework (measured here), which is the first
    /// Fork.Run a notebook waits for. A body that needs another one fails with a missing-name error and is
    /// compiled again against all of them, so no body that compiles against the framework is refused.</summary>
    private static readonly HashSet<string> CommonAssemblies =
    [
        "System.Private.CoreLib", "System.Runtime", "netstandard", "System.Console", "System.Linq", "System.Collections",
        "System.Collections.Concurrent", "System.Threading", "System.Threading.Thread", "System.Memory",
        "System.Runtime.InteropServices", "System.Net.Primitives", "System.Net.Sockets", "System.Text.Encoding.Extensions",
        "System.Diagnostics.Process", "System.Runtime.Extensions",
    ];

    /// <summary>Errors that may only mean the name lives in an assembly outside <see cref="CommonAssemblies"/>.</summary>
    private static readonly HashSet<string> MissingName = ["CS0012", "CS0103", "CS0234", "CS0246", "CS1061", "CS1069", "CS0117"];
    private readonly ConcurrentDictionary<string, MetadataReference> _extra = new();

    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        // Release: a Debug build marks the assembly "optimisations off", and the JIT then runs a body's loop as
        // unoptimised code for the child's whole life (measured: a pipe writer's loop in MinOpts). Sequence points
        // stay, so an exception still names its line of the body.
        optimizationLevel: OptimizationLevel.Release,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Disable,
        deterministic: true);

    public CompileResponse Compile(CompileRequest request)
    {
        var code = Wrap(request);
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: "wrapper", encoding: Encoding.UTF8);
        var extra = request.References.Select(r => _extra.GetOrAdd(r, p => MetadataReference.CreateFromFile(p))).ToList();
        var temp = request.Output + $".{Environment.ProcessId}.tmp";
        var result = Emit(request.ClassName, tree, _common.Concat(extra), temp);
        if (!result.Success && result.Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error && MissingName.Contains(d.Id)))
            result = Emit(request.ClassName, tree, _framework.Value.Concat(extra), temp);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ToError).ToArray();
        if (!result.Success)
        {
            File.Delete(temp);
            return new CompileResponse(false, errors);
        }
        File.Move(temp, request.Output, overwrite: true);
        return new CompileResponse(true, null);
    }

    private static EmitResult Emit(string name, SyntaxTree tree, IEnumerable<MetadataReference> references, string path)
    {
        var compilation = CSharpCompilation.Create(name, [tree], references, Options);
        using var file = File.Create(path);
        return compilation.Emit(file, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
    }

    private static string Wrap(CompileRequest r)
    {
        var types = r.ParameterTypes;
        var delegateType = types.Length == 0 ? "global::System.Action" : $"global::System.Action<{string.Join(", ", types)}>";
        var call = string.Join(", ", types.Select((t, i) => $"({t})a[{i}]"));
        var code = new StringBuilder();
        foreach (var u in r.Usings) code.Append("using ").Append(u).Append(";\n");
        code.Append($"public static class {r.ClassName}\n{{\n    public static void Run(object[] a)\n    {{\n        {delegateType} body =\n");
        code.Append($"#line 1 \"{BodyFile}\"\n");
        code.Append(r.Source).Append('\n');
        code.Append("#line default\n");
        code.Append($"        ;\n        body({call});\n    }}\n}}\n");
        return code.ToString();
    }

    private static CompileDiagnostic ToError(Diagnostic d)
    {
        var span = d.Location.GetMappedLineSpan();
        var inBody = span.Path == BodyFile;
        return new CompileDiagnostic(d.Id, d.GetMessage(), inBody ? span.StartLinePosition.Line + 1 : 0, inBody ? span.StartLinePosition.Character + 1 : 0);
    }

    private static List<MetadataReference> FrameworkReferences(Func<string, bool> wanted)
    {
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return tpa.Where(p => Path.GetDirectoryName(p) == runtimeDir && p.EndsWith(".dll", StringComparison.Ordinal) && wanted(Path.GetFileNameWithoutExtension(p)))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}
