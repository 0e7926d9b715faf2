using Ipc.Contracts;
using System.Collections.Concurrent;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using System.Reflection.PortableExecutable;

namespace Ipc.Lab.Compiler;

/// <summary>Wraps a lambda's text in a class the child host can call, and compiles it to a DLL. The lambda's
/// lines are mapped with #line to "child body", line 1 = its first line, so errors and stack traces point
/// into the body the student wrote. Bodies are compiled against the assemblies of <paramref name="framework"/>,
/// the shared framework the child host runs on.</summary>
internal sealed class BodyCompilation(string framework)
{
    private const string BodyFile = "child body";
    private readonly Lazy<List<MetadataReference>> _framework = new(() => FrameworkReferences(framework, _ => true));
    private readonly List<MetadataReference> _common = FrameworkReferences(framework, CommonAssemblies.Contains);

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
        deterministic: true,
        // One thread: a body is a few lines, and handing its methods to the thread pool costs more than it saves
        // (cold compiler, measured: 0.86 s concurrent, 0.76 s not), and the second core is busy starting the
        // child host that will run the body.
        concurrentBuild: false);

    public CompileResponse Compile(CompileRequest request)
    {
        var code = Wrap(request);
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(LanguageVersion.Latest), path: "wrapper", encoding: Encoding.UTF8);
        var extra = request.References.Select(r => _extra.GetOrAdd(r, MetadataOnly)).ToList();
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

    /// <summary>The framework's assemblies that <paramref name="wanted"/> names (its native parts are .so files;
    /// a .dll that is no assembly is passed over, as the runtime's own list would not hold it).</summary>
    private static List<MetadataReference> FrameworkReferences(string framework, Func<string, bool> wanted)
    {
        var references = new List<MetadataReference>();
        foreach (var path in Directory.EnumerateFiles(framework, "*.dll").Order(StringComparer.Ordinal))
        {
            if (!wanted(Path.GetFileNameWithoutExtension(path))) continue;
            try { references.Add(MetadataOnly(path)); }
            catch (BadImageFormatException) { }
        }
        return references;
    }

    /// <summary>A reference read for its metadata alone. MetadataReference.CreateFromFile reads the whole image,
    /// machine code included (System.Private.CoreLib: 15 MB, read twice), and a compilation needs only the
    /// metadata: the compiler's cold start went from ~1.1 s to ~0.85 s here. The file is closed once read.</summary>
    private static MetadataReference MetadataOnly(string path)
    {
        using var file = File.OpenRead(path);
        return AssemblyMetadata.Create(ModuleMetadata.CreateFromStream(file, PEStreamOptions.PrefetchMetadata)).GetReference(filePath: path);
    }
}
