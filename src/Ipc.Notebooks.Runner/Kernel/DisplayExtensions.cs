using Microsoft.DotNet.Interactive;

namespace System;

// .NET Interactive puts Display() in namespace System so that it is in scope in every cell without a using.
public static class DisplayExtensions
{
    public static DisplayedValue Display(this object? value, params string[] mimeTypes) =>
        Kernel.display(value, mimeTypes);
}
