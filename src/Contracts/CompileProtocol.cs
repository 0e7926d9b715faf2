using System.Text.Json.Serialization;

namespace Ipc.Contracts;

// The body compiler's protocol. Ipc.Lab (Runtime/BodyCompiler) writes one CompileRequest per line to the
// compiler's stdin; the compiler (src/Ipc.Lab.Compiler) answers one CompileResponse per line on its stdout.
// This file is compiled into both programs, so the two sides cannot drift apart.

/// <summary>Compile <see cref="Source"/> (a lambda's text) taking <see cref="ParameterTypes"/> (C# spellings)
/// into the DLL <see cref="Output"/>, as class <see cref="ClassName"/>.</summary>
internal sealed record CompileRequest(string Source, string[] ParameterTypes, string[] Usings, string[] References, string Output, string ClassName);

internal sealed record CompileResponse(bool Ok, CompileDiagnostic[]? Errors);

/// <summary>One compiler error, at a line of the body (1 = the line where the lambda starts; 0 = outside it).</summary>
internal sealed record CompileDiagnostic(string Code, string Message, int Line, int Column);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(CompileRequest))]
[JsonSerializable(typeof(CompileResponse))]
internal sealed partial class CompileJson : JsonSerializerContext;
