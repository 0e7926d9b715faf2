using System.Diagnostics;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Emit;

namespace Ipc.Notebooks.Runner.Worker;

// Maps stack frames of submission code to "cell N, line L".
// Roslyn scripting's netstandard2.0 build (the one a net8.0 app gets) asks for Windows PDBs when told to emit
// debug information, which fails on Linux. So cells are emitted without debug information, and only when a cell
// throws is its compilation emitted again, with a portable PDB, to read the sequence points: the same compilation
// emits the same metadata tokens and IL offsets as the assembly that ran.
internal sealed class StackMapper
{
    private sealed record Submission(int CellNumber, Compilation Compilation)
    {
        public MetadataReaderProvider? Pdb { get; set; }
    }

    private readonly Dictionary<string, Submission> _submissions = new(StringComparer.Ordinal);

    public void Register(int cellNumber, Compilation compilation) =>
        _submissions[compilation.AssemblyName!] = new Submission(cellNumber, compilation);

    public List<string> Traceback(Exception exception)
    {
        var lines = new List<string>();
        for (var current = exception; current is not null; current = current.InnerException)
        {
            lines.Add((current == exception ? "" : " ---> ") + $"{current.GetType().FullName}: {current.Message}");
            foreach (var frame in new StackTrace(current, false).GetFrames())
            {
                var method = frame.GetMethod();
                if (method is null) continue;
                var assembly = method.Module.Assembly.GetName().Name ?? "";
                // Below the submission is the scripting engine and this executor: noise to a student.
                if (assembly.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)) break;
                if (method.DeclaringType?.Namespace is "System.Runtime.CompilerServices" or "System.Runtime.ExceptionServices") continue;
                lines.Add("   at " + (_submissions.TryGetValue(assembly, out var submission)
                    ? InCell(method, frame.GetILOffset(), submission)
                    : $"{method.DeclaringType?.FullName}.{method.Name}"));
            }
        }
        return lines;
    }

    public (int Cell, int Line)? FirstCellFrame(Exception exception)
    {
        foreach (var frame in new StackTrace(exception, false).GetFrames())
        {
            if (frame.GetMethod() is { } method && _submissions.TryGetValue(method.Module.Assembly.GetName().Name ?? "", out var submission) &&
                Line(submission, method, frame.GetILOffset()) is { } line)
                return (submission.CellNumber, line);
        }
        return null;
    }

    private string InCell(MethodBase method, int ilOffset, Submission submission)
    {
        var where = Line(submission, method, ilOffset) is { } line ? $"cell {submission.CellNumber}, line {line}" : $"cell {submission.CellNumber}";
        // The cell's own top-level code is compiled into a state machine; name only methods the student wrote.
        var owner = method.DeclaringType;
        var isTopLevel = owner is not null && (owner.Name.StartsWith("Submission#", StringComparison.Ordinal) && method.Name == "<Initialize>" ||
                                               owner.Name.Contains("<Initialize>", StringComparison.Ordinal));
        return isTopLevel ? where : $"{Readable(method)} in {where}";
    }

    private static string Readable(MethodBase method)
    {
        var name = method.Name;
        // Local functions and lambdas are compiled to <Outer>g__Name|0_0 / <Outer>b__0_0.
        if (name.Contains("g__", StringComparison.Ordinal)) name = name[(name.IndexOf("g__", StringComparison.Ordinal) + 3)..].Split('|')[0];
        else if (name.StartsWith('<')) name = "lambda";
        if (method.DeclaringType is { } type && !type.Name.StartsWith("Submission#", StringComparison.Ordinal) && !type.Name.StartsWith('<'))
            name = type.Name + "." + name;
        return name + "()";
    }

    private static int? Line(Submission submission, MethodBase method, int ilOffset)
    {
        if (ilOffset < 0) return null;
        try
        {
            submission.Pdb ??= EmitPdb(submission.Compilation);
            if (submission.Pdb is null) return null;
            var reader = submission.Pdb.GetMetadataReader();
            var handle = MetadataTokens.MethodDefinitionHandle(method.MetadataToken & 0x00FFFFFF);
            int? line = null;
            foreach (var point in reader.GetMethodDebugInformation(handle).GetSequencePoints())
            {
                if (point.Offset > ilOffset) break;
                if (!point.IsHidden) line = point.StartLine;
            }
            return line;
        }
        catch (Exception)
        {
            // A missing line number must never hide the exception itself.
            return null;
        }
    }

    private static MetadataReaderProvider? EmitPdb(Compilation compilation)
    {
        using var pe = new MemoryStream();
        var pdb = new MemoryStream();
        var result = compilation.Emit(pe, pdb, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.PortablePdb));
        if (!result.Success) return null;
        pdb.Position = 0;
        return MetadataReaderProvider.FromPortablePdbStream(pdb);
    }
}
