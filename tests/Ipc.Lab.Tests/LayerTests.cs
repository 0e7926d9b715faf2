using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Ipc.Lab.Tests;

/// <summary>The library's layers, as ARCHITECTURE.md draws them: every folder (namespace) of Ipc.Lab uses only
/// the layers below it, and no two folders use each other. Read from the source as the compiler binds it, so
/// a using directive, a qualified name or a `using static` all count.</summary>
public class LayerTests
{
    private const string Root = "Ipc.Lab";
    private static readonly string[] Mechanisms = ["Pipes", "SharedMemory", "Signals", "Semaphores", "MessageQueues", "Sockets", "Events"];
    private static readonly string[] Base = [Root, "Native", "Diagnostics", "Io"];

    /// <summary>What each folder may use, bottom to top. A new folder must be placed here.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> MayUse = new Dictionary<string, string[]>
    {
        [Root] = [],
        ["Native"] = [Root],
        ["Diagnostics"] = [Root, "Native"],
        ["Io"] = [Root, "Native", "Diagnostics"],
        ["Pipes"] = Base,
        ["SharedMemory"] = Base,
        ["Signals"] = Base,
        ["Semaphores"] = Base,
        ["MessageQueues"] = Base,
        ["Sockets"] = Base,
        ["Events"] = Base,
        ["Runtime"] = Base,
        ["Processes"] = [.. Base, "Runtime", .. Mechanisms],
        ["Experiments"] = [.. Base, "Runtime", .. Mechanisms, "Processes"],
        ["Visuals"] = [.. Base, "Runtime", .. Mechanisms, "Processes", "Experiments"],
        ["Exercises"] = [.. Base, "Runtime", .. Mechanisms, "Processes", "Experiments", "Visuals"],
    };

    private static readonly string SourceDir = typeof(LayerTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "LabSourceDir").Value!;

    [Fact]
    public void Every_folder_uses_only_the_layers_below_it()
    {
        var uses = Uses(LibrarySources());
        Assert.True(uses.Count > 20, $"only {uses.Count} uses between folders were found: the analysis read nothing");
        Assert.Empty(Violations(uses));
    }

    [Fact]
    public void No_two_folders_depend_on_each_other_even_through_others()
    {
        var edges = Uses(LibrarySources()).Select(u => (u.From, u.To)).Distinct().ToList();
        Assert.Empty(Cycles(edges));
    }

    [Fact]
    public void Every_folder_of_the_library_has_a_place_in_the_layers()
    {
        var folders = Directory.GetDirectories(SourceDir).Select(Path.GetFileName).Where(d => d is not ("bin" or "obj")).ToList();
        Assert.DoesNotContain(folders, f => !MayUse.ContainsKey(f!));
        Assert.DoesNotContain(MayUse.Keys, k => k != Root && !folders.Contains(k));
    }

    [Fact]
    public void An_arrow_the_wrong_way_is_found()
    {
        // The analysis itself, on two small files: a mechanism that uses a chart, and a chart that uses the
        // mechanism back. Both the wrong arrow and the cycle must be reported.
        var uses = Uses(
        [
            CSharpSyntaxTree.ParseText("namespace Ipc.Lab.Pipes; public class P { public Ipc.Lab.Visuals.V? Drawn; }", path: "P.cs"),
            CSharpSyntaxTree.ParseText("using Ipc.Lab.Pipes; namespace Ipc.Lab.Visuals; public class V { public P? Shown; }", path: "V.cs"),
        ]);
        var violation = Assert.Single(Violations(uses));
        Assert.Contains("Pipes → Visuals", violation);
        Assert.Contains("P.cs", violation);
        Assert.Single(Cycles(uses.Select(u => (u.From, u.To)).Distinct().ToList()));
    }

    private sealed record Use(string From, string To, string Where);

    private static List<SyntaxTree> LibrarySources() =>
        Directory.EnumerateFiles(SourceDir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), new CSharpParseOptions(LanguageVersion.Latest), path: Path.GetRelativePath(SourceDir, f)))
            .ToList();

    /// <summary>Every use of a type or member of one Ipc.Lab folder by code in another, as the compiler binds it
    /// (source generators do not run here; what they would add is generated code, not a use anyone wrote).</summary>
    private static List<Use> Uses(IReadOnlyList<SyntaxTree> trees)
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var references = platform.Append(typeof(Tmds.Linux.LibC).Assembly.Location).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("layers", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var uses = new List<Use>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            var declared = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString() ?? Root;
            var from = Folder(declared);
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var symbol = model.GetSymbolInfo(name).Symbol ?? model.GetSymbolInfo(name).CandidateSymbols.FirstOrDefault();
                var ns = symbol switch
                {
                    null or INamespaceSymbol => null,
                    ITypeSymbol type => type.ContainingNamespace,
                    _ => symbol.ContainingType?.ContainingNamespace,
                };
                if (ns is null) continue;
                var target = ns.ToDisplayString();
                if (target != Root && !target.StartsWith(Root + ".", StringComparison.Ordinal)) continue;
                var to = Folder(target);
                if (to != from) uses.Add(new Use(from, to, $"{tree.FilePath}:{name.GetLocation().GetLineSpan().StartLinePosition.Line + 1} ({name})"));
            }
        }
        return uses;
    }

    private static string Folder(string ns) => ns == Root ? Root : ns[(Root.Length + 1)..].Split('.')[0];

    private static List<string> Violations(IEnumerable<Use> uses) =>
        uses.Where(u => !MayUse.TryGetValue(u.From, out var allowed) || !allowed.Contains(u.To))
            .GroupBy(u => (u.From, u.To))
            .Select(g => $"{g.Key.From} → {g.Key.To}: {string.Join(", ", g.Select(u => u.Where).Distinct().Take(5))}")
            .ToList();

    /// <summary>The strongly connected components of more than one folder (Tarjan), each as "A → B → A".</summary>
    private static List<string> Cycles(IReadOnlyList<(string From, string To)> edges)
    {
        var nodes = edges.SelectMany(e => new[] { e.From, e.To }).Distinct().ToList();
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var cycles = new List<string>();
        int counter = 0;
        void Visit(string v)
        {
            index[v] = low[v] = counter++;
            stack.Push(v);
            foreach (var w in edges.Where(e => e.From == v).Select(e => e.To))
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (stack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v]) return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); component.Add(x); } while (x != v);
            if (component.Count > 1) cycles.Add(string.Join(" → ", component.Append(component[0])));
        }
        foreach (var n in nodes.Where(n => !index.ContainsKey(n))) Visit(n);
        return cycles;
    }
}
