namespace Ipc.Lab.Tests.Infrastructure;

/// <summary>Replaces Console.Out and Console.Error with string writers until disposed. The relay writes a
/// child's lines to the Console writers current when the child was started, so start the child inside.</summary>
internal sealed class ConsoleCapture : IDisposable
{
    private readonly TextWriter _out = Console.Out, _error = Console.Error;

    public ConsoleCapture()
    {
        Console.SetOut(Out);
        Console.SetError(Error);
    }

    public StringWriter Out { get; } = new();

    public StringWriter Error { get; } = new();

    public void Dispose()
    {
        Console.SetOut(_out);
        Console.SetError(_error);
    }
}
