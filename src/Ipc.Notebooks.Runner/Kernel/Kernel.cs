namespace Microsoft.DotNet.Interactive;

// Stands in for .NET Interactive's Kernel class so that notebook cells calling display(...) compile and run
// here exactly as in Polyglot. Scripts import it with `using static`, as the real C# kernel does.
public static class Kernel
{
    public static DisplayedValue display(object? value, params string[] mimeTypes)
    {
        var displayed = new DisplayedValue(mimeTypes);
        displayed.Update(value);
        return displayed;
    }
}
