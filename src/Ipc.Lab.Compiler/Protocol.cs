namespace Ipc.Lab.Compiler;

// The wire shapes of Ipc.Lab's BodyCompiler (CompileRequest / CompileResponse), by property name.
internal sealed record Request(string Source, string[] ParameterTypes, string[] Usings, string[] References, string Output, string ClassName);

internal sealed record Response(bool Ok, Error[]? Errors);

internal sealed record Error(string Code, string Message, int Line, int Column);
