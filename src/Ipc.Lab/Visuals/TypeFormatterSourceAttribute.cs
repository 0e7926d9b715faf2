namespace Ipc.Lab.Visuals;

/// <summary>.NET Interactive finds HTML formatters by convention: an attribute with exactly this name, on the
/// type, pointing at a class with CreateTypeFormatters(). Declaring our own copy keeps the library free of any
/// reference to the kernel's assemblies, whose versions would clash with the kernel's own; the headless runner
/// follows the same convention.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
internal sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    public Type FormatterSourceType { get; } = formatterSourceType;

    public string[]? PreferredMimeTypes { get; set; }
}
