namespace Ipc.Notebooks.Runner.Tests.Infrastructure;

/// <summary>Answers to pipes.capacity as a hostile student would write them, shared by the grading tests of each
/// sandbox. Markers in command lines (sleep 3001 …) let a test find survivors; each test class uses its own.</summary>
internal static class HostileAnswers
{
    public static readonly string Reference = File.ReadAllText(Path.Combine(GradeRun.Solutions, "Reference", "pipes.capacity.cs"));

    /// <summary>An answer that compiles and fails (the check then runs and rejects it).</summary>
    public const string Stub = "int MeasureCapacity(Pipe pipe)\n{\n    throw new NotImplementedException();\n}";

    /// <summary>300 processes started with Process.Start, then the reference answer.</summary>
    public static string Storm(int marker) =>
        $"for (var i = 0; i < 300; i++) {{ try {{ System.Diagnostics.Process.Start(\"sleep\", \"{marker}\"); }} catch (Exception) {{ break; }} }}\n" + Reference;

    /// <summary>A setsid daemon and a double fork that leaves the process group, then the reference answer.</summary>
    public static string Daemons(int setsid, int doubleFork) =>
        $"System.Diagnostics.Process.Start(\"setsid\", \"-f sleep {setsid}\")!.WaitForExit();\n" +
        $"System.Diagnostics.Process.Start(\"sh\", \"-c \\\"(sleep {doubleFork} &) ; exit 0\\\"\")!.WaitForExit();\n";

    /// <summary>Memory allocated and touched 64 MiB at a time, without end.</summary>
    public const string Hog = "var hog = new List<byte[]>();\nwhile (true) { var block = GC.AllocateUninitializedArray<byte>(64 << 20); for (var p = 0; p < block.Length; p += 4096) block[p] = 1; hog.Add(block); }\n" + Stub;
}
