using System.Text;

namespace Ipc.Notebooks.Runner.Worker;

// Console.Out / Console.Error of the worker: everything a cell writes is routed into the current cell.
internal sealed class CaptureWriter(string streamName) : TextWriter
{
    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value) => DisplaySink.Current.Write(streamName, value.ToString());

    public override void Write(string? value) => DisplaySink.Current.Write(streamName, value ?? "");

    public override void Write(char[] buffer, int index, int count) =>
        DisplaySink.Current.Write(streamName, new string(buffer, index, count));

    public override void WriteLine(string? value) => DisplaySink.Current.Write(streamName, (value ?? "") + "\n");

    public override void WriteLine() => DisplaySink.Current.Write(streamName, "\n");
}
