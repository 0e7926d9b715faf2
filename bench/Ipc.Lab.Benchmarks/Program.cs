using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Ipc.Lab;
using Ipc.Lab.Benchmarks;
using Ipc.Lab.Processes;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (args.Contains("--cold-body"))
{
    // Run as a fresh process with an empty IPC_LAB_CACHE: nothing compiled, no compiler running, nothing JITted.
    var cold = Measure.NewBodies(1, warmFirst: false);
    Console.WriteLine(cold.Median.ToString("0.0"));
    return 0;
}

bool quick = args.Contains("--quick");
// --only=spawn|pingpong|stream|mechanisms: one section, for looking at a single figure while changing the library.
string only = args.FirstOrDefault(a => a.StartsWith("--only=", StringComparison.Ordinal))?["--only=".Length..] ?? "";
bool Wanted(string section) => only.Length == 0 || only == section;
string benchDir = FindBenchDirectory();
int pinCpu = Environment.ProcessorCount - 1;
var wall = Stopwatch.StartNew();

int spawnN = quick ? 50 : 200, commandN = quick ? 30 : 100, cachedN = quick ? 15 : 30, newN = quick ? 5 : 10, coldN = quick ? 1 : 3;
int pingN = quick ? 5_000 : 30_000, pythonN = quick ? 3_000 : 10_000;
var warmup = TimeSpan.FromMilliseconds(quick ? 300 : 600);
string? mib = args.FirstOrDefault(a => a.StartsWith("--stream-mib=", StringComparison.Ordinal));
long streamTotal = (mib is not null ? long.Parse(mib["--stream-mib=".Length..], CultureInfo.InvariantCulture) : quick ? 128L : 512L) << 20;
int streamRepeats = quick ? 5 : 7;
// --stream-size=BYTES: that write size alone (pinned, default capacity), for profiling one row.
string? sizeArg = args.FirstOrDefault(a => a.StartsWith("--stream-size=", StringComparison.Ordinal));
int? streamSizeOnly = sizeArg is null ? null : int.Parse(sizeArg["--stream-size=".Length..], CultureInfo.InvariantCulture);
// Every figure the issue sets a target for, by the key results.json gives it; printed as one table at the end.
var results = new Dictionary<string, double>();

// The unique bodies compiled here would otherwise pile up in the user's cache, run after run. Set before the
// library's first use: it reads the variable once.
var bodyCache = Directory.CreateTempSubdirectory("ipc-lab-bench-cache-").FullName;
Environment.SetEnvironmentVariable("IPC_LAB_CACHE", bodyCache);
Lab.DefaultTimeout = TimeSpan.FromSeconds(30);
Fork.Prepare();
using var baselines = Baselines.Build(benchDir);

var o = Console.Out;
o.WriteLine($"# Ipc.Lab benchmarks: one run on this machine");
o.WriteLine();
o.WriteLine($"- date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; command: `dotnet run -c Release --project bench/Ipc.Lab.Benchmarks{(quick ? " -- --quick" : "")}`");
o.WriteLine($"- machine: {CpuModel()}, {Environment.ProcessorCount} CPUs, kernel {File.ReadAllText("/proc/sys/kernel/osrelease").Trim()}, {RuntimeInformation.FrameworkDescription}");
o.WriteLine($"- baselines: {baselines.Gcc ?? "gcc not found: the C column is skipped"} (-O2); {baselines.Python ?? "python3 not found: the Python column is skipped"}");
o.WriteLine($"- pinned = parent and child both on CPU {pinCpu} (sched_setaffinity); unpinned = the scheduler places them on any of the {Environment.ProcessorCount} CPUs");
double loadAtStart = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
o.WriteLine($"- load average at start: {loadAtStart:0.00} (other work on the machine shows up in every column alike)");
o.WriteLine("- figures: median and p99 over n samples; one run, so compare columns of the same row, not against other machines");
o.WriteLine();

if (Wanted("spawn")) SpawnSection();
if (Wanted("pingpong")) PingPongSection();
if (Wanted("stream")) StreamSection();
if (Wanted("mechanisms")) MechanismsSection();
TargetsSection();

o.WriteLine($"Whole run: {wall.Elapsed.TotalSeconds:0} s.");
try { Directory.Delete(bodyCache, recursive: true); }
catch (IOException) { }
return 0;

// Unpinned and with the event trace on: what a notebook cell pays to start a child.
void SpawnSection()
{
    o.WriteLine("## 1. Starting a child (start to exit, unpinned, event trace on)");
    o.WriteLine();
    o.WriteLine("| what | n | median ms | p99 ms | target (median) |");
    o.WriteLine("|---|---:|---:|---:|---|");
    Stats? spawnTrue = baselines.HasC ? baselines.SpawnTrue(spawnN) with { Count = spawnN } : null;
    if (spawnTrue is { } c) Row("C: posix_spawn(/bin/true) + waitpid (floor)", c, null);
    Row("Command.Start(\"/bin/true\").Wait()", Measure.CommandTrue(commandN), null);
    var cached = Measure.CachedBody(cachedN, readyHost: true);
    Row("Fork.Run(() => {}), cached body, host ready", cached, 10);
    results["fork_cached_ms"] = cached.Median;
    if (spawnTrue is { } floor) results["fork_cached_over_posix_spawn"] = cached.Median / floor.Median;
    Row("Fork.Run(() => {}), cached body, back to back", Measure.CachedBody(cachedN, readyHost: false), null);
    Row("Fork.Run, new body, warm compiler", Measure.NewBodies(newN, warmFirst: true), null);
    bool native = Ipc.Lab.Runtime.LabHome.NativeCompilerIsCurrent;
    var cold = ColdBodies(coldN, hosted: false);
    Row($"Fork.Run, first new body, cold compiler (fresh process, empty IPC_LAB_CACHE; {(native ? "native compiler" : "compiler under dotnet: no native build")})", cold, 1000);
    results["fork_cold_ms"] = cold.Median;
    if (native) Row("the same, compiler under dotnet (IPC_LAB_COMPILER=dotnet)", ColdBodies(coldN, hosted: true), null);
    o.WriteLine();
}

void PingPongSection()
{
    o.WriteLine("## 2. Pipe ping-pong, 64-byte round trip (µs)");
    o.WriteLine();
    o.WriteLine("| placement | n | C median | C p99 | C# median | C# p99 | C#/C median | C#/C p99 | Python median | Python p99 |");
    o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (int cpu in new[] { pinCpu, -1 })
    {
        Stats? c = baselines.HasC ? baselines.PingPong(pingN, cpu) : null;
        var cs = Measure.PingPong(pingN, cpu, warmup);
        Stats? py = baselines.Python is not null ? baselines.PythonPingPong(pythonN, cpu) : null;
        o.WriteLine($"| {Placement(cpu)} | {pingN} | {F(c?.Median)} | {F(c?.P99)} | {F(cs.Median)} | {F(cs.P99)} | {Ratio(cs.Median, c?.Median)} | {Ratio(cs.P99, c?.P99)} | {F(py?.Median)} | {F(py?.P99)} |");
        if (c is { } cm) results[cpu >= 0 ? "pipe_pingpong_pinned_ratio" : "pipe_pingpong_unpinned_ratio"] = cs.Median / cm.Median;
        if (py is { } pm && cpu >= 0) results["python_over_csharp_pingpong"] = pm.Median / cs.Median;
        o.Flush();
    }
    o.WriteLine();
    o.WriteLine("C: two pipe(2)s and fork(2) (bench/c/pipe_pingpong.c). C#: two Pipes, Fork.Run echo child, PipeReadEnd.Read / " +
        $"PipeWriteEnd.Write, event trace off. Python: multiprocessing.Pipe (a Unix socketpair), fork context, n = {pythonN}.");
    o.WriteLine();
}

void StreamSection()
{
    o.WriteLine($"## 3. Pipe streaming, {streamTotal >> 20} MiB, reader buffer 64 KiB (GB/s, median of {streamRepeats}, C and C# runs taken in turn, after a warm-up)");
    o.WriteLine();
    o.WriteLine("| write size | pipe capacity | placement | C GB/s | C# GB/s | C#/C |");
    o.WriteLine("|---:|---:|---|---:|---:|---:|");
    double pinnedMin = double.MaxValue;
    var sizes = streamSizeOnly is int one ? new[] { (one, 0) } : new[] { (64, 0), (512, 0), (4096, 0), (65536, 0), (1 << 20, 0), (1 << 20, 1 << 20) };
    foreach (int cpu in streamSizeOnly is null ? new[] { pinCpu, -1 } : new[] { pinCpu })
    {
        // Unpinned, the ratio swings with where the scheduler puts the two processes: a few sizes show it.
        foreach (var (size, capacity) in cpu >= 0 ? sizes : sizes.Where(x => x.Item1 is 4096 or 1 << 20))
        {
            // Small writes move fewer bytes in the same time: a smaller total keeps each run about as long.
            long total = size < 4096 ? Math.Min(streamTotal, size * 131072L) : streamTotal;
            var cRuns = new List<double>();
            var csRuns = new List<double>();
            // In turn, C then C#, so that a change in the machine's load between the two columns shows in both.
            for (int r = 0; r < streamRepeats; r++)
            {
                if (baselines.HasC) cRuns.Add(baselines.Stream(total, size, capacity, cpu, warmup));
                csRuns.Add(Measure.Stream(total, size, capacity, cpu, warmup));
            }
            double? c = cRuns.Count > 0 ? MedianOf(cRuns) : null;
            double cs = MedianOf(csRuns);
            if (cpu >= 0 && c is double cm) pinnedMin = Math.Min(pinnedMin, cs / cm);
            o.WriteLine($"| {Size(size)} | {(capacity == 0 ? "64 KiB (default)" : Size(capacity))} | {Placement(cpu)} | {F(c)} | {F(cs)} | {Ratio(cs, c)} |");
            o.Flush();
        }
    }
    if (pinnedMin < double.MaxValue) results["pipe_stream_pinned_min_ratio"] = pinnedMin;
    o.WriteLine();
    o.WriteLine($"In C and in C#, the parent first reads for {warmup.TotalMilliseconds:0} ms (the warm-up: the stream is flowing and .NET's tiered JIT has replaced the first code), then times the next {streamTotal >> 20} MiB; writes under 4 KiB are timed for 131,072 writes.");
    o.WriteLine();
}

// Every mechanism of notebook 07, by the same loops (Ipc.Lab.Experiments.Compare and notebooks/c/ipc_compare.c):
// one <mechanism>_pingpong_pinned_ratio per mechanism in results.json.
void MechanismsSection()
{
    int trips = quick ? 2_000 : 10_000;
    o.WriteLine($"## 4. Every mechanism, one round trip, pinned (CPU {pinCpu}), µs (n = {trips})");
    o.WriteLine();
    o.WriteLine("| mechanism | message | C median | C p99 | C# median | C# p99 | C#/C median | key |");
    o.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
    foreach (var m in Ipc.Lab.Experiments.Compare.Mechanisms)
    {
        var c = baselines.IpcCompare is { } program ? Ipc.Lab.Experiments.Compare.RoundTripInC(program, m.Mechanism, trips, pinCpu) : null;
        var cs = Ipc.Lab.Experiments.Compare.RoundTrip(m.Mechanism, trips, pinCpu);
        string key = $"{m.Key}_pingpong_pinned_ratio";
        // pipe_pingpong_pinned_ratio is section 2's figure (the pipe's own benchmark, with its target) when that ran.
        bool written = c is not null && results.TryAdd(key, cs.Median / c.Median);
        o.WriteLine($"| {m.Name} | {m.Payload} B | {F(c?.Median)} | {F(c?.P99)} | {F(cs.Median)} | {F(cs.P99)} | {Ratio(cs.Median, c?.Median)} | {(written ? $"`{key}`" : c is null ? "—" : "(section 2's)")} |");
        o.Flush();
    }
    o.WriteLine();
    o.WriteLine("C: notebooks/c/ipc_compare.c (gcc -O2), the same loop and kernel objects as C#'s Ipc.Lab.Experiments.Compare, which runs on " +
        "the library's wrappers with their timeouts. The pipe's row uses that shared harness; section 2 is the pipe's own benchmark.");
    o.WriteLine();
}

void Row(string what, Stats s, double? targetMs)
{
    string target = targetMs is double t ? $"≤ {t:0} ms {(s.Median <= t ? "✓" : "✗")}" : "";
    o.WriteLine($"| {what} | {s.Count} | {F(s.Median)} | {F(s.P99)} | {target} |");
    o.Flush();
}

Stats ColdBodies(int n, bool hosted)
{
    var ms = new List<double>();
    for (int i = 0; i < n; i++)
    {
        var cache = Directory.CreateTempSubdirectory("ipc-lab-cold-cache-").FullName;
        try
        {
            var self = Environment.ProcessPath!;
            string[] selfArgs = Path.GetFileNameWithoutExtension(self) == "dotnet"
                ? [typeof(Measure).Assembly.Location, "--cold-body"] : ["--cold-body"];
            var env = new Dictionary<string, string> { ["IPC_LAB_CACHE"] = cache };
            if (hosted) env["IPC_LAB_COMPILER"] = "dotnet";
            var output = Baselines.Run(self, selfArgs, env);
            ms.Add(double.Parse(output.Split('\n')[^1], CultureInfo.InvariantCulture));
        }
        finally { Directory.Delete(cache, recursive: true); }
    }
    return Stats.Of(ms);
}

static double MedianOf(IEnumerable<double> runs)
{
    var xs = runs.Order().ToArray();
    return xs[xs.Length / 2];
}

// One table of every figure the issue (15) sets a target for, and artifacts/bench/results.json with the same keys.
void TargetsSection()
{
    var targets = new (string Key, string What, string Target, Func<double, bool> Met)[]
    {
        ("pipe_pingpong_pinned_ratio", "pipe ping-pong, C#/C, pinned", "≤ 1.15×", v => v <= 1.15),
        ("pipe_pingpong_unpinned_ratio", "pipe ping-pong, C#/C, unpinned", "≤ 1.15×", v => v <= 1.15),
        ("pipe_stream_pinned_min_ratio", "pipe streaming, C#/C, pinned, smallest over the write sizes", "≥ 0.9×", v => v >= 0.9),
        ("python_over_csharp_pingpong", "Python round trip ÷ C# round trip (pinned)", "≥ 3×", v => v >= 3),
        ("fork_cached_ms", "Fork.Run of a cached body, host ready, ms", "≤ 10 ms", v => v <= 10),
        ("fork_cached_over_posix_spawn", "Fork.Run of a cached body ÷ posix_spawn of /bin/true", "≤ 5×", v => v <= 5),
        ("fork_cold_ms", "first body with a cold compiler, ms", "≤ 1000 ms", v => v <= 1000),
    };
    o.WriteLine("## Targets (issue 15): medians of this run");
    o.WriteLine();
    o.WriteLine("| figure | key | this run | target | met |");
    o.WriteLine("|---|---|---:|---|---|");
    foreach (var (key, what, target, met) in targets)
    {
        if (!results.TryGetValue(key, out double v)) continue;
        o.WriteLine($"| {what} | `{key}` | {F(v)} | {target} | {(met(v) ? "✓" : "✗")} |");
    }
    o.WriteLine();
    results["load_average_at_start"] = loadAtStart;
    results["quick"] = quick ? 1 : 0;
    var dir = Path.Combine(Path.GetDirectoryName(benchDir)!, "artifacts", "bench");
    Directory.CreateDirectory(dir);
    var json = System.Text.Json.JsonSerializer.Serialize(results.OrderBy(kv => kv.Key).ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 4)),
        new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    File.WriteAllText(Path.Combine(dir, "results.json"), json + "\n");
    o.WriteLine($"Written: {Path.Combine(dir, "results.json")}");
    o.WriteLine();
}

static string F(double? v) => v switch
{
    null => "—",
    >= 100 => v.Value.ToString("0"),
    >= 10 => v.Value.ToString("0.0"),
    _ => v.Value.ToString("0.00"),
};

static string Ratio(double a, double? b) => b is double d && d > 0 ? (a / d).ToString("0.00") + "×" : "—";

static string Placement(int cpu) => cpu >= 0 ? $"pinned (CPU {cpu})" : "unpinned";

static string Size(int bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : bytes >= 1024 ? $"{bytes >> 10} KiB" : $"{bytes} B";

static string CpuModel()
{
    var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
    return line is null ? "unknown CPU" : line[(line.IndexOf(':') + 1)..].Trim();
}

static string FindBenchDirectory()
{
    foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var bench = Path.Combine(dir.FullName, "bench");
            if (File.Exists(Path.Combine(bench, "c", "pipe_pingpong.c"))) return bench;
            if (File.Exists(Path.Combine(dir.FullName, "c", "pipe_pingpong.c"))) return dir.FullName;
        }
    }
    throw new FileNotFoundException("bench/c/pipe_pingpong.c not found above " + AppContext.BaseDirectory);
}
