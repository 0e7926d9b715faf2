using System.Globalization;
using System.Net;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using Ipc.Notebooks.Tests.Infrastructure;

namespace Ipc.Notebooks.Tests;

/// <summary>The course library in the real .NET Interactive kernel, started by the course's own kernelspec: every
/// visual renders as HTML there, the charts draw offline in a browser after `jupyter nbconvert`, the kernel listens
/// on loopback only, and nothing Ipc.Lab loads can clash with an assembly the kernel ships.</summary>
[Collection(NotebookCollection.Name)]
public sealed class KernelTests(KernelTests.VisualsRun run) : IClassFixture<KernelTests.VisualsRun>
{
    private const string TableMarker = "class=\"ipc-table\"";
    private const string PlotMarker = "class=\"ipc-plot\"";
    private const string CheckMarker = "class=\"ipc-check\"";
    private const string PredictionMarker = "class=\"ipc-prediction\"";

    /// <summary>One cell per way the library shows something, with the type it shows and the HTML marker that type
    /// writes. Every type in Ipc.Lab with a TypeFormatterSource attribute must appear here (checked below).</summary>
    private static readonly (string Type, string Marker, string Code)[] Visuals =
    [
        ("Table", TableMarker, """new Table(new[] { "stage", "program" }, new[] { (IReadOnlyList<string>)new[] { "1", "ls" } }, "a table")"""),
        ("Plot", PlotMarker, """Charts.Line("one line", "x", "y", Series.Of("s", new[] { (1.0, 2.0), (2.0, 3.0), (3.0, 2.5) }))"""),
        ("Plot", PlotMarker, """
            Charts.Lines("two lines", "bytes", "MB/s", new[] { Series.Of("a", new[] { (1.0, 1.0), (10.0, 4.0) }), Series.Of("b", new[] { (1.0, 2.0), (10.0, 3.0) }) },
                logX: true, markers: true, guides: new[] { (3.5, "a limit") })
            """),
        ("Plot", PlotMarker, """
            var mark = EventTrace.Mark();
            var pipe = Pipe.Create();
            pipe.WriteEnd.Write("hi");
            var read = pipe.ReadEnd.ReadString(2);
            pipe.Dispose();
            EventTrace.Record(TraceKind.Note, "read " + read);
            Timeline.Of(EventTrace.Since(mark), "a timeline")
            """),
        ("Table", TableMarker, "Ipcs.Ours()"),
        ("Listing", "class=\"ipc-listing\"", """new Listing("hello.c", "int main(void)\n{\n    return 0;\n}\n")"""),
        ("DescriptorTable", "class=\"ipc-descriptors\"", """DescriptorTable.Of("after pipe()", Pipe.Create())"""),
        ("SharedPages", "class=\"ipc-shared-pages\"", """SharedPages.Of("one mapping", Ipc.Lab.SharedMemory.AnonymousSharedMemory.Create(4096))"""),
        ("Interleaving", "class=\"ipc-interleaving\"", """
            Interleaving.Of(new Ipc.Lab.Experiments.InterleavingRun("ABAB", new[] { new Ipc.Lab.Experiments.InterleavedStep('A', true, 0, 0),
                new Ipc.Lab.Experiments.InterleavedStep('B', true, 0, 0), new Ipc.Lab.Experiments.InterleavedStep('A', false, 1, 1),
                new Ipc.Lab.Experiments.InterleavedStep('B', false, 1, 1) }, 1))
            """),
        ("CheckResult", CheckMarker, """Exercise.Check("kernel.visuals", 1, () => { })"""),
        ("SignalLife", "class=\"ipc-signal-life\"", """
            Ipc.Lab.Visuals.SignalLife.Of(Ipc.Lab.Signals.Signal.SIGUSR1)
                .Then("this kernel's own bits", Ipc.Lab.Signals.SignalStatus.Of(System.Environment.ProcessId)!)
            """),
        ("Progress", "<progress ", """Progress.Starting("measuring")"""),
        ("Prediction", PredictionMarker, """Predict.Ask("Same pids?", "no").Reveal("different")"""),
    ];

    private const string SocketsCell = """
        // The kernel's own descriptors and the kernel's TCP tables, printed raw while the kernel runs; the test decodes them.
        var socketInodes = new System.IO.DirectoryInfo("/proc/self/fd").GetFiles()
            .Select(f => { try { return f.LinkTarget; } catch (System.IO.IOException) { return null; } })
            .Where(t => t is not null && t.StartsWith("socket:[")).Select(t => t![8..^1]);
        Console.WriteLine("INODES " + string.Join(" ", socketInodes));
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
            foreach (var line in System.IO.File.ReadLines(table).Skip(1)) Console.WriteLine("TCP " + line.Trim());
        """;

    // What the kernel runs of the lab first: its module initializer, and nothing else of it. Then how many copies of
    // Tmds.LibC the kernel holds.
    private const string NativeCopiesProbe = """
        System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(Ipc.Lab.Lab).Module.ModuleHandle);
        Console.WriteLine("TMDS-COPIES " + AppDomain.CurrentDomain.GetAssemblies().Count(a => a.GetName().Name == "Tmds.LibC"));
        """;

    /// <summary>Roslyn's script loader, which loads a #r'd library's dependencies, can load two copies of one when two
    /// threads ask for it at once; then a call across them fails with MissingMethodException (notebook 07's first
    /// signal cell did, about one kernel start in three, with the pre-started child host's thread beside the cell).
    /// So the lab loads Tmds.LibC in its module initializer, on the kernel's thread, before it starts any thread.</summary>
    [Fact]
    public void The_lab_loads_its_native_binding_once_before_it_starts_a_thread()
    {
        var line = PrintedLines(0, "the set-up cell").FirstOrDefault(l => l.StartsWith("TMDS-COPIES ", StringComparison.Ordinal));
        Assert.True(line is not null, $"the set-up cell printed no TMDS-COPIES line.\n{run.Log}");
        Assert.True(line == "TMDS-COPIES 1",
            $"after the lab's module initializer alone the kernel holds {line!["TMDS-COPIES ".Length..]} copies of Tmds.LibC, not 1: " +
            "LabRuntime.OnLoad must load it, on the thread that loads the lab, before Fork.Prepare starts threads that would race to load it.");
    }

    [Fact]
    public void Every_visual_renders_as_html_in_the_kernel()
    {
        var cells = run.Cells();
        for (var v = 0; v < Visuals.Length; v++)
        {
            var (type, marker, code) = Visuals[v];
            var outputs = (cells[VisualsRun.FirstVisualCell + v]["outputs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var what = $"The {type} cell `{code.Split('\n')[0]}`";
            Assert.True(outputs.Count > 0, $"{what} showed nothing in the kernel.\n{run.Log}");
            foreach (var output in outputs)
            {
                Assert.True((string?)output["output_type"] != "error", $"{what} failed in the kernel: {(string?)output["evalue"]}\n{run.Log}");
                var html = NotebookCatalog.Text(output["data"]?["text/html"]);
                Assert.True(html.Contains(marker, StringComparison.Ordinal),
                    $"{what}: an output of type {(string?)output["output_type"]} is not text/html with {marker} (mime types: {string.Join(", ", (output["data"] as JsonObject)?.Select(p => p.Key) ?? [])}).");
            }
        }
    }

    [Fact]
    public void Every_formatted_type_of_the_library_is_covered_above()
    {
        var formatted = FormattedTypes(Path.Combine(KernelPrerequisites.RepoRoot, "artifacts", "lab", "Ipc.Lab.dll"));
        Assert.NotEmpty(formatted);
        var covered = Visuals.Select(v => v.Type).ToHashSet();
        var missing = formatted.Where(t => !covered.Contains(t)).ToList();
        Assert.True(missing.Count == 0, $"Ipc.Lab types with a TypeFormatterSource that KernelTests.Visuals does not render: {string.Join(", ", missing)}. Add a cell for each.");
    }

    [ChromiumFact]
    public void After_nbconvert_every_chart_is_drawn_by_plotly_js_offline()
    {
        var charts = run.Cells().Sum(c => (c["outputs"] as JsonArray ?? []).OfType<JsonObject>()
            .Sum(o => NotebookRun.Occurrences(NotebookCatalog.Text(o["data"]?["text/html"]), NotebookRun.ChartMarker)));
        Assert.True(charts >= 3, $"the kernel run showed {charts} chart(s), expected one per chart cell.\n{run.Log}");

        var convert = KernelPrerequisites.Run(KernelPrerequisites.Jupyter,
            ["nbconvert", "--to", "html", run.ExecutedPath, "--output-dir", run.Folder, "--output", "visuals"], TimeSpan.FromMinutes(2));
        var page = Path.Combine(run.Folder, "visuals.html");
        Assert.True(convert.ExitCode == 0 && File.Exists(page), $"jupyter nbconvert --to html failed (exit code {convert.ExitCode}):\n{convert.Output}");

        var profile = Directory.CreateDirectory(Path.Combine(run.Folder, "chromium-profile")).FullName;
        var dom = KernelPrerequisites.Run(ChromiumFactAttribute.Chromium,
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            // No network: every http(s) request goes to a proxy that is not there, loopback included.
            "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            $"--user-data-dir={profile}", "--virtual-time-budget=5000",
            "--dump-dom", new Uri(page).AbsoluteUri,
        ], TimeSpan.FromSeconds(90));
        Assert.True(dom.ExitCode == 0, $"chromium failed ({dom.ExitCode}):\n{dom.Output}");
        var drawn = NotebookRun.Occurrences(dom.Output, "class=\"main-svg\"");
        Assert.True(drawn >= charts, $"{charts} chart(s) in the page nbconvert wrote, but plotly.js drew {drawn} main-svg element(s) in headless Chromium.");
    }

    [Fact]
    public void The_course_kernelspec_listens_on_loopback_only()
    {
        var lines = PrintedLines(VisualsRun.FirstVisualCell + Visuals.Length, "the sockets cell");
        var inodes = lines.Single(l => l.StartsWith("INODES", StringComparison.Ordinal))["INODES".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var listening = new List<(IPAddress Address, int Port)>();
        foreach (var line in lines.Where(l => l.StartsWith("TCP ", StringComparison.Ordinal)))
        {
            // /proc/net/tcp: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ...
            var fields = line[4..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            const string Listen = "0A";
            if (fields.Length < 10 || fields[3] != Listen || !inodes.Contains(fields[9])) continue;
            listening.Add(Endpoint(fields[1]));
        }
        Assert.True(listening.Count > 0, $"no listening TCP socket of the kernel was found; the check saw nothing.\n{string.Join('\n', lines)}");
        var exposed = listening.Where(e => !IPAddress.IsLoopback(e.Address.IsIPv4MappedToIPv6 ? e.Address.MapToIPv4() : e.Address)).ToList();
        Assert.True(exposed.Count == 0,
            $"the kernel started by the course's kernelspec listens beyond loopback on {string.Join(", ", exposed.Select(e => $"{e.Address} port {e.Port}"))} " +
            $"(all: {string.Join(", ", listening.Select(e => $"{e.Address}:{e.Port}"))}). The kernelspec must pass --http-local-only.");
    }

    [Fact]
    public void Ipc_Lab_binds_only_to_assemblies_the_kernel_can_give_it()
    {
        var lab = Path.Combine(KernelPrerequisites.RepoRoot, "artifacts", "lab");
        var tools = Path.GetDirectoryName(KernelPrerequisites.KernelDll)!;
        var references = ReferenceClosure(lab, "Ipc.Lab");
        Assert.NotEmpty(references);

        string[] forbidden = ["FSharp.", "Microsoft.CodeAnalysis", "Microsoft.DotNet.Interactive"];
        var clashes = references.Where(r => forbidden.Any(f => r.Name.StartsWith(f, StringComparison.Ordinal)) || r.Name == "System.CommandLine")
            .Select(r => $"{r.From} references {r.Name} {r.Version}").Distinct().ToList();
        Assert.True(clashes.Count == 0, $"Ipc.Lab must not load what the kernel ships in its own version: {string.Join("; ", clashes)}. Move that work to a separate process (as Ipc.Lab.Compiler does).");

        var newer = new List<string>();
        foreach (var reference in references)
        {
            var kernelCopy = Path.Combine(tools, reference.Name + ".dll");
            if (!File.Exists(kernelCopy)) continue;
            var kernelVersion = AssemblyVersion(kernelCopy);
            if (reference.Version > kernelVersion)
                newer.Add($"{reference.From} references {reference.Name} {reference.Version}, the kernel ships {kernelVersion}");
            var labCopy = Path.Combine(lab, reference.Name + ".dll");
            if (File.Exists(labCopy) && AssemblyVersion(labCopy) is var labVersion && labVersion > kernelVersion)
                newer.Add($"artifacts/lab/{reference.Name}.dll is {labVersion}, the kernel ships {kernelVersion}");
        }
        Assert.True(newer.Count == 0, $"In the kernel these fail to load (FileNotFoundException, as FSharp.Core 10.1 did): {string.Join("; ", newer.Distinct())}. Reference a version no newer than the kernel's.");
    }

    /// <summary>What cell <paramref name="index"/> printed, line by line and trimmed; fails when the cell failed.</summary>
    private List<string> PrintedLines(int index, string what)
    {
        var outputs = (run.Cells()[index]["outputs"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        Assert.True(outputs.All(o => (string?)o["output_type"] != "error"), $"{what} failed in the kernel.\n{run.Log}");
        return string.Concat(outputs.Select(o => NotebookCatalog.Text(o["text"]))).Split('\n').Select(l => l.Trim()).ToList();
    }

    /// <summary>Every assembly reference of NAME.dll in FOLDER, following references into the same folder.</summary>
    private static List<(string From, string Name, Version Version)> ReferenceClosure(string folder, string name)
    {
        var found = new List<(string, string, Version)>();
        var seen = new HashSet<string>(StringComparer.Ordinal) { name };
        var queue = new Queue<string>([name]);
        while (queue.TryDequeue(out var current))
        {
            using var pe = new PEReader(File.OpenRead(Path.Combine(folder, current + ".dll")));
            var metadata = pe.GetMetadataReader();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                var referenced = metadata.GetString(reference.Name);
                found.Add((current, referenced, reference.Version));
                if (File.Exists(Path.Combine(folder, referenced + ".dll")) && seen.Add(referenced)) queue.Enqueue(referenced);
            }
        }
        return found;
    }

    private static Version AssemblyVersion(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.GetMetadataReader().GetAssemblyDefinition().Version;
    }

    /// <summary>Names of the types in an assembly that carry an attribute named TypeFormatterSourceAttribute — the
    /// convention by which .NET Interactive finds a library's formatters without a reference to it.</summary>
    private static List<string> FormattedTypes(string assembly)
    {
        using var pe = new PEReader(File.OpenRead(assembly));
        var metadata = pe.GetMetadataReader();
        var types = new List<string>();
        foreach (var handle in metadata.TypeDefinitions)
        {
            var type = metadata.GetTypeDefinition(handle);
            foreach (var attributeHandle in type.GetCustomAttributes())
            {
                var constructor = metadata.GetCustomAttribute(attributeHandle).Constructor;
                var owner = constructor.Kind switch
                {
                    HandleKind.MethodDefinition => metadata.GetString(metadata.GetTypeDefinition(metadata.GetMethodDefinition((MethodDefinitionHandle)constructor).GetDeclaringType()).Name),
                    HandleKind.MemberReference when metadata.GetMemberReference((MemberReferenceHandle)constructor).Parent is { Kind: HandleKind.TypeReference } parent
                        => metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)parent).Name),
                    _ => "",
                };
                if (owner == "TypeFormatterSourceAttribute") types.Add(metadata.GetString(type.Name));
            }
        }
        return types;
    }

    // /proc/net/tcp writes an address as hex 32-bit words in host (little-endian) byte order, then :port in hex.
    private static (IPAddress Address, int Port) Endpoint(string field)
    {
        var (hex, port) = (field.Split(':')[0], int.Parse(field.Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
            for (var b = 0; b < 4; b++)
                bytes[word * 4 + b] = byte.Parse(hex.AsSpan(word * 8 + (3 - b) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (new IPAddress(bytes), port);
    }

    /// <summary>One run, through the runner's kernel engine, of a notebook built here: the #r of the library, one
    /// cell per visual, and the sockets cell. Its executed notebook stays in a temporary folder for nbconvert.</summary>
    public sealed class VisualsRun : IDisposable
    {
        public const int FirstVisualCell = 1;
        private readonly Lazy<(JsonObject? Executed, string Log)> _run;

        public VisualsRun()
        {
            Folder = Directory.CreateTempSubdirectory("ipc-kernel-visuals-").FullName;
            ExecutedPath = Path.Combine(Folder, "out", "visuals.ipynb");
            _run = new Lazy<(JsonObject?, string)>(Execute);
        }

        public string Folder { get; }
        public string ExecutedPath { get; }
        public string Log => _run.Value.Log;

        public IReadOnlyList<JsonObject> Cells()
        {
            var (executed, log) = _run.Value;
            Assert.True(executed is not null, $"The runner wrote no executed notebook for the kernel visuals run.\n{log}");
            return [.. executed!["cells"]!.AsArray().OfType<JsonObject>()];
        }

        private (JsonObject?, string) Execute()
        {
            KernelPrerequisites.Ensure();
            var lab = Path.Combine(KernelPrerequisites.RepoRoot, "artifacts", "lab", "Ipc.Lab.dll");
            var setup = $"#r \"{lab}\"\nusing Ipc.Lab.Diagnostics;\nusing Ipc.Lab.Exercises;\nusing Ipc.Lab.Pipes;\nusing Ipc.Lab.Visuals;\n{NativeCopiesProbe}";
            var cells = new JsonArray([Cell(setup), .. Visuals.Select(v => Cell(v.Code)), Cell(SocketsCell)]);
            var notebook = new JsonObject
            {
                ["cells"] = cells,
                ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp", ["display_name"] = ".NET (C#)", ["language"] = "C#" } },
                ["nbformat"] = 4,
                ["nbformat_minor"] = 5,
            };
            var source = Path.Combine(Folder, "visuals.ipynb");
            File.WriteAllText(source, notebook.ToJsonString());
            var (exit, log) = KernelPrerequisites.Run("dotnet",
                [Paths.RunnerDll, "run", source, "--engine", "kernel", "--out", Path.GetDirectoryName(ExecutedPath)!], TimeSpan.FromMinutes(6));
            Assert.True(exit == 0, $"The visuals notebook failed in the kernel (exit code {exit}).\n{log}");
            return (File.Exists(ExecutedPath) ? JsonNode.Parse(File.ReadAllText(ExecutedPath)) as JsonObject : null, log);
        }

        private static JsonObject Cell(string code) => new()
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject(),
            ["outputs"] = new JsonArray(),
            ["source"] = code,
        };

        public void Dispose() => Directory.Delete(Folder, recursive: true);
    }
}
