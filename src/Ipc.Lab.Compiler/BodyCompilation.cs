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
    private readonly List<MetadataReference> _framework = FrameworkReferences();
    private readonly ConcurrentDictionary<string, MetadataReference> _extra = new();

    private static readonly CSharpCompilationOptions Options = new(
        OutputKind.DynamicallyLinkedLibrary,
        optimizationLevel: OptimizationLevel.Debug,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Disable,
        deterministic: true);

    public void WarmUp()
    {
        // JIT-compiles the compiler's own hot paths before the first real request arrives.
        var tree = CSharpSyntaxTree.ParseText("public static class W { public static void Run(object[] a) { System.Action b = () => System.Console.WriteLine(1); b(); } }");
        var compilation = CSharpCompilation.Create("warmup", [tree], _framework, Options);
        using var sink = new MemoryStream();
        compilation.Emit(sink);
    }

    public CompileResponse Compile(CompileRequest request)
    {
        var code = Wrap(request);
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: "wrapper", encoding: Encoding.UTF8);
        var references = _framework.Concat(request.References.Select(r => _extra.GetOrAdd(r, p => MetadataReference.CreateFromFile(p))));
        var compilation = CSharpCompilation.Create(request.ClassName, [tree], references, Options);

        var temp = request.Output + $".{Environment.ProcessId}.tmp";
        EmitResult result;
        using (var file = File.Create(temp))
            result = compilation.Emit(file, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(ToError).ToArray();
        if (!result.Success)
        {
            File.Delete(temp);
            return new CompileResponse(false, errors);
        }
        File.Move(temp, request.Output, overwrite: true);
        return new CompileResponse(true, null);
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

    private static List<MetadataReference> FrameworkReferences()
    {
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "").Split(Path.PathSeparator);
        var runtimeDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return tpa.Where(p => Path.GetDirectoryName(p) == runtimeDir && p.EndsWith(".dll", StringComparison.Ordinal))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
    }
}
