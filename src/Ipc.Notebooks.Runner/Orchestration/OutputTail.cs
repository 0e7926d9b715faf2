using System.Diagnostics;
using System.Text;

namespace Ipc.Notebooks.Runner.Orchestration;

// The last few thousand characters a helper process (a worker, the Jupyter driver) wrote on stderr, for a report
// that says why it failed; and how it ended. Shared by both engines.
internal sealed class OutputTail
{
    private const int Chars = 4000;
    private readonly StringBuilder _text = new();

    /// <summary>Keeps what <paramref name="reader"/> delivers, on a background thread, until it ends.</summary>
    public void Follow(TextReader reader, string threadName) => new Thread(() =>
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0) Append(new string(buffer, 0, read));
        }
        catch (IOException)
        {
            // The pipe broke with the process: the same as its end.
        }
    }) { IsBackground = true, Name = threadName }.Start();

    public void Append(string text)
    {
        lock (_text)
        {
            _text.Append(text);
            if (_text.Length > Chars) _text.Remove(0, _text.Length - Chars);
        }
    }

    public override string ToString()
    {
        lock (_text) return _text.ToString().Trim();
    }

    /// <summary>"exit code 1", "killed by signal 9", or "still running" after 5 s.</summary>
    public static string HowItEnded(Process process)
    {
        if (!process.WaitForExit(5000)) return "still running";
        return process.ExitCode > 128 ? $"killed by signal {process.ExitCode - 128}" : $"exit code {process.ExitCode}";
    }
}
