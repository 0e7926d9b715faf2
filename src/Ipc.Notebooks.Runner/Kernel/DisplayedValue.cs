namespace Microsoft.DotNet.Interactive;

// The real kernel returns a handle whose Update replaces the shown value in place; a static executed
// notebook cannot replace in place, so each update is shown as a further output of the same cell.
public sealed class DisplayedValue
{
    private readonly string[] _mimeTypes;

    internal DisplayedValue(string[] mimeTypes) => _mimeTypes = mimeTypes;

    public void Update(object? value) => Ipc.Notebooks.Runner.Worker.DisplaySink.Display(value, _mimeTypes);
}
