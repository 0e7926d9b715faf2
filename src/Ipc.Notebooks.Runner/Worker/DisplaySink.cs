using Ipc.Notebooks.Runner.Formatting;
using Ipc.Notebooks.Runner.Notebooks;

namespace Ipc.Notebooks.Runner.Worker;

// Where Console output and display(...) of the running cell go. Background threads started by a cell keep
// writing after it ends; their output lands in whichever cell is current, as it does in the real kernel.
internal static class DisplaySink
{
    private static readonly CellCapture Idle = new();
    private static volatile CellCapture _current = Idle;

    public static CellCapture Current => _current;

    public static void Begin(CellCapture capture) => _current = capture;

    public static void End() => _current = Idle;

    public static void Display(object? value, string[] mimeTypes) =>
        _current.Add(Outputs.DisplayData(ValueFormatter.Format(value, mimeTypes)));
}
